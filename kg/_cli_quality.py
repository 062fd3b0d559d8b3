"""``kg eval`` and ``kg train``: measuring extraction against annotations, and learning from them."""

from __future__ import annotations

from typing import Any

import click

from kg._cliopts import _console, echo_json, format_option, handle_errors, model_option

__all__ = ["eval_command", "train_command"]


@click.command("eval")
@click.argument("gold", type=click.Path())
@click.argument("documents", nargs=-1, type=click.Path())
@model_option
@click.option("-v", "--verbose", is_flag=True,
              help="Also list every missed and extra entity, relation and observation, per document.")
@format_option("text", "json")
@handle_errors
def eval_command(gold: str, documents: tuple[str, ...], model: str | None, verbose: bool, fmt: str) -> None:
    """Extract DOCUMENTS and score them against GOLD.jsonl: precision, recall, F1.

    Entities (by name, and by name and type), relations, observations and
    observation year accuracy, overall and per document. GOLD has the format of
    eval/GUIDELINES.md (names instead of ids, aliases, optional items);
    documents are paired with it by file name, and a gold document not among
    DOCUMENTS counts as all missed.

    \b
    Examples:
      kg eval eval/dev/gold.jsonl eval/dev/docs/*.txt
      kg eval eval/seeds/gold.jsonl seeds/*.txt --verbose
      kg eval my-gold.jsonl my-docs/ --format json
      kg eval my-gold.jsonl my-docs/ --model my-model/   # a model from kg train

    A document the model was trained on is flagged: its score says how well
    the model learnt it, not how well it extracts unseen text.
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.table import Table

    from kg.evaluate import MEASURES, evaluate
    from kg.nlp import get_nlp
    from kg.pipeline import read_config
    from kg.train import trained_on

    cfg = read_config(None, model)
    seen = trained_on(cfg)

    err = Console(stderr=True)
    with Progress(
        TextColumn("[bold]extracting"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
        console=err, transient=True, disable=fmt == "json" or not err.is_terminal,
    ) as bar:
        task = bar.add_task("", total=None)
        result = evaluate(gold, documents, nlp=get_nlp(cfg),
                          progress=lambda path: bar.update(task, advance=1, description=path.rsplit("/", 1)[-1]))
    overlap = sorted(d.name for d in result.documents if d.name in seen)
    if fmt == "json":
        data = result.to_json(differences=verbose)
        data["trained_on_scored_documents"] = overlap
        echo_json(data)
    else:
        titles = {"entities": "entities", "entities_typed": "entities, typed",
                  "relations": "relations", "observations": "observations"}
        console = _console()
        if verbose:
            for doc in result.documents:
                if doc.differences:
                    console.print(f"[bold]{escape(doc.name)}[/]")
                    for diff in doc.differences:
                        console.print(f"  {escape(str(diff))}")
            console.print()

        def years(correct: int, total: int) -> str:
            return f"{correct / total:.3f} ({correct}/{total})" if total else "—"

        per_doc = Table("document", *(titles[m] for m in MEASURES), "year accuracy",
                        title="F1 per document (— nothing to score)", title_justify="left")
        for column in per_doc.columns[1:]:
            column.justify = "right"
        for doc in result.documents:
            if not doc.predicted:
                per_doc.add_row(escape(doc.name), "[red]not given[/]",
                                *[""] * len(MEASURES))
                continue
            per_doc.add_row(escape(doc.name),
                            *("—" if doc.counts(m).empty else f"{doc.counts(m).f1:.3f}" for m in MEASURES),
                            years(doc.years_correct, doc.years_total))
        console.print(per_doc)
        overall = Table("", "correct", "extra", "missed", "precision", "recall", "F1",
                        title=f"Overall: {len(result.documents)} documents against {escape(gold)}",
                        title_justify="left")
        for column in overall.columns[1:]:
            column.justify = "right"
        for m in MEASURES:
            c = result.counts(m)
            overall.add_row(titles[m], str(c.tp), str(c.fp), str(c.fn),
                            f"{c.precision:.3f}", f"{c.recall:.3f}", f"[bold]{c.f1:.3f}[/]")
        console.print(overall)
        console.print(f"observation year accuracy [bold]{years(result.years_correct, result.years_total)}[/]"
                      " (matched observations with a year in the gold)")
    if overlap:
        click.echo(f"note: the model was trained on {len(overlap)} of these {len(result.documents)} documents "
                   f"({', '.join(overlap[:5])}{', …' if len(overlap) > 5 else ''}); their scores are not a "
                   f"quality figure — see docs/QUALITY.md for cross-validated ones", err=True)
    if result.missing:
        click.echo(f"warning: {len(result.missing)} gold document(s) not among the documents given, "
                   f"scored as all missed: {', '.join(result.missing)}", err=True)
    if result.unscored:
        click.echo(f"note: {len(result.unscored)} document(s) not in {gold}, not scored: "
                   f"{', '.join(result.unscored)}", err=True)



@click.command("train")
@click.argument("gold", nargs=-1, required=True, type=click.Path())
@click.option("--docs", "docs", multiple=True, required=True, type=click.Path(),
              help="A folder (or file) holding the documents the gold annotates; repeat for several.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False),
              help="The model directory to write (replaced whole when training succeeds).")
@click.option("--config", "config", default=None, type=click.Path(dir_okay=False),
              help="Pipeline config to train within (default: the shipped kg/pipeline.cfg).")
@format_option("text", "json")
@handle_errors
def train_command(gold: tuple[str, ...], docs: tuple[str, ...], out: str, config: str | None, fmt: str) -> None:
    """Train the learned components (entity tagger, relation classifier) from GOLD files.

    GOLD files have the format of eval/GUIDELINES.md; each gold document is found by
    file name under the --docs folders. The same data give the same model. Use the
    model with --model on kg build, kg extract and kg eval.

    \b
    Examples:
      kg train eval/seeds/gold.jsonl eval/dev/gold.jsonl --docs seeds --docs eval/dev/docs --out my-model
      kg eval my-gold.jsonl my-docs/ --model my-model
      kg build my-docs/ --model my-model
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from kg.pipeline import read_config
    from kg.train import read_annotated, train

    annotated = read_annotated(gold, docs)
    cfg = read_config(config)
    err = Console(stderr=True)
    with Progress(
        TextColumn("[bold]training {task.description}"), BarColumn(), MofNCompleteColumn(),
        console=err, transient=True, disable=fmt == "json" or not err.is_terminal,
    ) as bar:
        tasks: dict[str, Any] = {}

        def step(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done)

        path = train(annotated, out, config=cfg, progress=step)
    files = sorted(p.name for p in path.iterdir())
    if fmt == "json":
        echo_json({"model": str(path), "documents": len(annotated), "files": files})
        return
    click.echo(f"Trained on {len(annotated)} documents → {path} ({', '.join(files)})")
    click.echo(f"Try: kg eval GOLD DOCS --model {path}   (score documents it has not seen)")
