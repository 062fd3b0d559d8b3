"""Write a synthetic corpus of this genre (replies to proposals) at a multiple of the seeds' size.

Documents are built from sentence templates modelled on the seeds' wording, filled with
invented names (agencies, …贷/…券/…计划 programs, …平台/…交易所 platforms, …大赛 events,
places, universities, banks, groups) that the lexicon does not know. Documents are
generated and written one at a time, so 1000× (about 21M characters) needs little memory.

Usage::

    python scripts/make_corpus.py OUT_DIR --scale 10 [--seed 0]

Example
-------
>>> paths = write_corpus("/tmp/corpus10", scale=10)     # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = ["seeds_chars", "make_document", "iter_documents", "write_corpus"]

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Invented syllables: combinations of these are not names the lexicon or the seeds contain.
_SYL = list("岚栖澜汀峪翎琮珩璟骁曜昀珂瑄砚霁澈枫棠槿渠溪垣峤")
_PLACE_END = ["湾", "洲", "岭", "港", "川", "原"]
_WORD = ["启衡", "智汇", "星链", "云帆", "恒科", "知行", "数桥", "融创", "聚能", "青禾", "远航", "睿芯", "鼎新", "泽润"]
_FIELD = ["集成电路", "生物医药", "人工智能", "新材料", "低碳能源", "智能制造", "数字健康", "海洋装备"]
_GROUP = ["科技型中小企业", "高新技术企业", "专精特新企业", "青年科技人员", "创业团队", "科技小巨人企业"]
_MEASURE = [("授信额", "亿元"), ("服务企业", "家"), ("成交项目", "项"), ("培训", "人次"), ("资助金额", "万元")]


def seeds_chars() -> int:
    """Characters in the seed documents (the 1× size)."""
    return sum(len(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt")))


def _name(rng: random.Random, n: int = 2) -> str:
    return "".join(rng.choice(_SYL) for _ in range(n))


def _names(rng: random.Random) -> dict[str, str]:
    """A fresh set of invented entity names for one document."""
    place = _name(rng) + rng.choice(_PLACE_END)
    word = rng.choice(_WORD)
    return {
        "place": place,
        "district": _name(rng) + "区",
        "agency": f"{place}市科学技术局",
        "agency_short": f"{place[:2]}科局",
        "office": f"{place}市{rng.choice(['财政局', '经济信息化委', '知识产权局'])}",
        "loan": _name(rng) + rng.choice(["贷", "e贷", "科创贷"]),
        "voucher": f"{_name(rng)}{rng.choice(['创新券', '服务券', '算力券'])}",
        "plan": f"{_name(rng)}{rng.choice(['领航计划', '启明计划', '攀登计划', '育苗工程'])}",
        "platform": f"{word}{rng.choice(['技术供需对接平台', '成果转化服务平台', '科技金融服务平台'])}",
        "exchange": f"{place}{rng.choice(['技术交易所', '知识产权交易中心'])}",
        "event": f"{place}{rng.choice(['国际创新创业大赛', '科技成果路演大会', '创新挑战赛'])}",
        "university": f"{_name(rng)}{rng.choice(['大学', '理工大学', '科技大学'])}",
        "institute": f"{place}{rng.choice(_FIELD)}研究院",
        "bank": f"{_name(rng)}{rng.choice(['银行', '农商银行'])}",
        "group": f"{_name(rng)}{rng.choice(['集团', '控股集团'])}",
        "policy": f"《{place}市促进科技成果转化若干措施》",
        "group_target": rng.choice(_GROUP),
        "field": rng.choice(_FIELD),
    }


_BODY = [
    "近年来，{agency}（以下简称“{agency_short}”）围绕科技企业发展的全生命周期，持续完善科技企业政策链、服务链。",
    "{agency_short}联合{office}、{bank}推出“{loan}”，主要支持{group_target}开展{field}领域研发。",
    "截至{year}年末，“{loan}”累计为{n1}家企业提供信贷支持{v1}亿元。",
    "{agency_short}打造{platform}，为{group_target}提供技术需求发布、成果对接等服务。",
    "根据{policy}，{agency_short}实施{voucher}政策，{year}年共发放{voucher}{n2}万元。",
    "{exchange}由{group}运营，{year}年全年成交项目{n3}项，同比增长{pct}%。",
    "{university}与{institute}签署战略合作协议，共建{field}联合实验室。",
    "{agency_short}主办{event}，吸引{n1}个创业团队参赛，{n3}家企业入驻{district}创新创业集聚区。",
    "{plan}面向{group_target}，{year}年支持项目{n3}项，资助金额超{n2}万元。",
    "{platform}已集成{exchange}的交易服务，形成覆盖{place}全域的技术转移网络。",
    "{institute}落户{district}，重点开展{field}共性技术研发。",
    "下一步，我们将继续深化{plan}，推动{platform}与{exchange}协同发展，进一步提升服务能力。",
]


def make_document(rng: random.Random, index: int) -> str:
    """One reply of about 2–5k characters with a header, a body from templates and a signature."""
    names = _names(rng)
    year = rng.choice([2021, 2022, 2023, 2024])
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    lines = [
        "", f"# {names['agency']}", "", f"{names['place'][:1]}科提复〔{year}〕{index % 97 + 1}号", "",
        f"## 对市政协十四届{rng.randint(1, 5)}次会议 第{rng.randint(1, 999):04d}号提案的答复", "",
        f"{_name(rng, 3)}委员：", "",
        f"你们提出的“关于加强{names['field']}产学研创新合作的建议”的提案收悉，经研究，现将办理情况答复如下：", "",
    ]
    for _ in range(rng.randint(4, 9)):
        paragraph = []
        for template in rng.sample(_BODY, rng.randint(3, 6)):
            fields = dict(names, year=year, n1=rng.randint(10, 9999), n2=rng.randint(100, 99999),
                          n3=rng.randint(5, 999), v1=f"{rng.uniform(1, 5000):.2f}", pct=f"{rng.uniform(1, 60):.1f}")
            paragraph.append(template.format(**fields))
        lines += ["".join(paragraph), ""]
    lines += ["感谢你们对本市科技创新工作的关心和支持！", "", f"{names['agency']}  ",
              f"{year} 年 {month} 月 {day} 日", "", "---", "", f"抄送：{names['place']}市政府办公厅建议提案处。", ""]
    return "\n".join(lines)


def iter_documents(total_chars: int, *, seed: int = 0) -> Iterator[tuple[str, str]]:
    """``(file name, text)`` pairs, generated lazily until ``total_chars`` characters are reached."""
    rng = random.Random(seed)
    written = 0
    index = 0
    while written < total_chars:
        text = make_document(rng, index)
        yield f"syn_{index:06d}.txt", text
        written += len(text)
        index += 1


def write_corpus(out_dir: str | os.PathLike[str], *, scale: float, seed: int = 0) -> list[Path]:
    """Write a corpus of ``scale`` × the seeds' characters into ``out_dir``; returns the files."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in iter_documents(int(seeds_chars() * scale), seed=seed):
        path = out / name
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--scale", type=float, default=1.0, help="multiple of the seeds' size (1, 10, 100, 1000)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    paths = write_corpus(args.out_dir, scale=args.scale, seed=args.seed)
    chars = sum(len(p.read_text(encoding="utf-8")) for p in paths)
    sys.stdout.write(f"{len(paths)} documents, {chars} characters in {args.out_dir}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
