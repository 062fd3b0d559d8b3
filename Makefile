# stikg — `make run` builds the graph from seeds/, `make test` runs the whole suite,
# `make test-fast` all but the browser and slow tests (the edit-test loop),
# `make eval` scores extraction against the gold in eval/, `make train` rebuilds the shipped
# model (kg/models/default) from it, `make quality` writes the cross-validated docs/QUALITY.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
OUT    ?= build

.PHONY: run test test-fast eval train quality bench bench-large browser lint clean

# pip's output goes to a log: shown in full when the install fails, kept quiet when it works.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing stikg and its dependencies into $(VENV) (log: $(VENV)/install.log)"
	@{ $(BIN)/python -m pip install --quiet --upgrade pip \
	   && $(BIN)/python -m pip install --quiet -e '.[test]'; } > $(VENV)/install.log 2>&1 \
	  || { cat $(VENV)/install.log >&2; echo "Error: installing stikg failed (log: $(VENV)/install.log)" >&2; exit 1; }
	@$(BIN)/python -c "import kg, spacy, jieba, rdflib, pyoxigraph"
	@rm -f $(VENV)/.installed-* && touch $@

run: $(STAMP)
	@$(BIN)/kg build seeds --out $(OUT)
	@$(BIN)/kg viz --graph $(OUT) --out $(OUT)/explorer.html
	@echo
	@echo "Graph (Turtle):   $(OUT)/stikg.ttl"
	@echo "Graph (N-Quads):  $(OUT)/stikg.nq"
	@echo "Explorer:         $(OUT)/explorer.html  (open it in a browser)"
	@echo "Try:              $(BIN)/kg connect 宁德时代 市科委"
	@echo "                  $(BIN)/kg show 高企贷"
	@echo "                  $(BIN)/kg query -f queries/02_financing_for_high_tech.rq"

browser:
	@bash scripts/install-browser.sh

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

# the edit-test loop: everything but the Chromium tests and the slow ones (see pyproject.toml)
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not browser and not slow"

eval: $(STAMP)
	$(BIN)/kg eval eval/seeds/gold.jsonl seeds/*.txt
	$(BIN)/kg eval eval/dev/gold.jsonl eval/dev/docs/*.txt

# the shipped model: trained on every annotated document (the seeds and the dev set), deterministically
train: $(STAMP)
	$(BIN)/kg train eval/seeds/gold.jsonl eval/dev/gold.jsonl --docs seeds --docs eval/dev/docs --out kg/models/default

# honest numbers: 5-fold cross-validation by document on the dev set (about 5 minutes)
quality: $(STAMP)
	$(BIN)/python scripts/quality.py --out docs/QUALITY.md

# the extractor before it became a pipeline of components: its throughput is measured side by side
BASELINE ?= f8df3bf

bench: $(STAMP)
	$(BIN)/python scripts/bench.py $(if $(BASELINE),--baseline $(BASELINE))

# the runs too long for bench's 15 minutes: one document of 0.6-30 MB, the 1000x corpus, kg connect on
# 1M nodes (about an hour on 2 cores) -> docs/BENCHMARKS-large.md
bench-large: $(STAMP)
	$(BIN)/python scripts/bench_large.py

lint: $(STAMP)
	$(BIN)/ruff check kg tests scripts notebooks
	$(BIN)/mypy

clean:
	rm -rf $(OUT) .pytest_cache .kgcache
