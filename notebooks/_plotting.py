"""What both notebooks need to plot: a CJK font for Chinese labels and distinct colours.

Imported by the notebooks of this folder (Jupyter runs a notebook in its own folder).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx
from matplotlib import font_manager

__all__ = ["CJK_FONTS", "use_cjk_font", "distinct_colours", "component_layout"]

#: CJK font families, best first: Noto/Source Han (Debian's fonts-noto-cjk), WenQuanYi, macOS, Windows.
CJK_FONTS = (
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "SimHei",
)
_CJK_FILE = re.compile(r"NotoSansCJK|SourceHanSans|wqy|PingFang|Hiragino|msyh|simhei", re.IGNORECASE)


def _installed() -> list[str]:
    names = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in CJK_FONTS if name in names]


def use_cjk_font() -> str | None:
    """Make matplotlib draw Chinese with a CJK font; the family used, or None if there is none.

    matplotlib's font list is cached when it is first imported, so a font installed later
    (``make browser`` installs fonts-noto-cjk) is looked for among the system's font files.
    Without any CJK font, Chinese labels show as boxes and the warnings about missing glyphs
    are silenced (one per character otherwise).
    """
    found = _installed()
    if not found:
        for path in font_manager.findSystemFonts():
            if _CJK_FILE.search(Path(path).name):
                font_manager.fontManager.addfont(path)
        found = _installed()
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = [*found[:1], "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    if not found:
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from")
        return None
    return found[0]


def distinct_colours(names: list[str]) -> dict[str, tuple[float, ...]]:
    """One colour per name, no two alike: tab10 up to 10 names, tab20 (dark, then light) up to 20.

    Beyond 20 names the colours are hues spaced evenly around the colour wheel.
    """
    n = len(names)
    if n <= 10:
        colours = [plt.get_cmap("tab10")(i) for i in range(10)]
    elif n <= 20:
        tab20 = [plt.get_cmap("tab20")(i) for i in range(20)]
        colours = [*tab20[0::2], *tab20[1::2]]
    else:
        colours = [plt.get_cmap("hsv")(i / n) for i in range(n)]
    return dict(zip(names, colours[:n], strict=True))


def component_layout(graph: nx.Graph, *, columns: int = 4, seed: int = 1) -> dict[object, tuple[float, float]]:
    """Positions that draw each connected component on its own, largest first, in rows.

    A spring layout of a graph with many components lets them overlap; here each component
    gets a spring layout of its own (fixed seed: the same picture every run), a size that
    grows with its node count, and a cell of a grid: the largest alone in the first row.
    """
    parts = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(map(str, c))))
    pos: dict[object, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for k, part in enumerate(parts):
        size = max(1.0, 1.5 * len(part) ** 0.5) * (1.6 if k == 0 else 1.0)  # the largest, alone, wider
        sub = nx.spring_layout(graph.subgraph(part), k=2 / len(part) ** 0.5, seed=seed, scale=size / 2,
                               center=(0, 0))
        if k == 1 or (k > 1 and (k - 1) % columns == 0):  # new row: after the largest, then every `columns`
            x, y, row_height = 0.0, y - row_height - 1.0, 0.0
        for node, (px, py) in sub.items():
            pos[node] = (x + size / 2 + px, y - size / 2 + py)
        x += size + 1.0
        row_height = max(row_height, size)
    return pos
