"""Figures a researcher would put in a paper, drawn with matplotlib as SVG.

SVG keeps the text as text (``svg.fonttype: none``), so the Japanese vendor names
are searchable and set in the reader's font, and the build needs no CJK font. The
files carry no date and a fixed id salt: the same release draws the same bytes.
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: the build runs headless

import matplotlib.pyplot as plt
import networkx as nx

from dxkg.pipeline.analysis.measures import Analysis, side

STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "dxkg",
    "font.family": ["Noto Sans CJK JP", "IPAexGothic", "DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
TOP_VENDORS = 15

#: Each figure: file name and Japanese/English caption (the network page shows both).
FIGURES: dict[str, tuple[str, str]] = {
    "degree-distribution.svg": (
        "次数分布(ベンダー–自治体ネットワーク)",
        "Degree distribution of the vendor–municipality network",
    ),
    "top-vendors.svg": ("取引自治体数の多いベンダー", "Top vendors by municipalities served"),
    "community-sizes.svg": (
        "コミュニティの大きさ(Louvain法)",
        "Community sizes (Louvain) in the vendor–municipality network",
    ),
}


def write_plots(analysis: Analysis, folder: Path) -> list[str]:
    """Draw every figure of :data:`FIGURES` into ``folder``; return the file names."""
    graph = analysis.bipartite["vendor-municipality"]
    drawers = {
        "degree-distribution.svg": degree_distribution,
        "top-vendors.svg": top_vendors,
        "community-sizes.svg": community_sizes,
    }
    with plt.rc_context(STYLE), quiet_font_lookup():
        for name, draw in drawers.items():
            figure = draw(graph)
            figure.savefig(folder / name, format="svg", metadata={"Date": None})
            plt.close(figure)
    return list(drawers)


def degree_distribution(graph: nx.Graph) -> plt.Figure:
    """How many vendors serve k municipalities, and how many municipalities use k vendors."""
    figure, axes = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
    for number, (label, colour) in enumerate(
        (
            ("自治体 municipalities (vendors used)", "#1f77b4"),
            ("ベンダー vendors (municipalities served)", "#d62728"),
        )
    ):
        counts = Counter(graph.degree(node) for node in side(graph, number))
        degrees = sorted(counts)
        offset = -0.2 if number == 0 else 0.2
        axes.bar(
            [d + offset for d in degrees],
            [counts[d] for d in degrees],
            0.4,
            label=label,
            color=colour,
        )
    axes.set_xlabel("次数 degree")
    axes.set_ylabel("ノード数 nodes")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False)
    return figure


def top_vendors(graph: nx.Graph) -> plt.Figure:
    """A horizontal bar per vendor: the municipalities it serves, the most first."""
    vendors = sorted(side(graph, 1), key=lambda v: (-graph.degree(v), graph.nodes[v]["label"], v))[
        :TOP_VENDORS
    ]
    figure, axes = plt.subplots(figsize=(6.4, 0.3 * len(vendors) + 1), layout="constrained")
    axes.barh(
        [graph.nodes[v]["label"] for v in reversed(vendors)],
        [graph.degree(v) for v in reversed(vendors)],
        color="#d62728",
    )
    axes.set_xlabel("取引自治体数 municipalities served")
    axes.xaxis.get_major_locator().set_params(integer=True)
    return figure


def community_sizes(graph: nx.Graph) -> plt.Figure:
    """Nodes per Louvain community, split into municipalities and vendors."""
    communities = sorted({c for _, c in graph.nodes(data="community")})
    figure, axes = plt.subplots(figsize=(6.4, 3.2), layout="constrained")
    bottom = [0] * len(communities)
    for number, (label, colour) in enumerate(
        (("自治体 municipalities", "#1f77b4"), ("ベンダー vendors", "#d62728"))
    ):
        sizes = Counter(graph.nodes[node]["community"] for node in side(graph, number))
        heights = [sizes[c] for c in communities]
        axes.bar(communities, heights, bottom=bottom, label=label, color=colour)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_xlabel("コミュニティ番号 community (largest first)")
    axes.set_ylabel("ノード数 nodes")
    axes.legend(frameon=False)
    return figure


@contextmanager
def quiet_font_lookup() -> Iterator[None]:
    """Silence the "font not found" and "glyph missing" noise while the fallbacks are tried:
    the SVG names the fonts, and the reader's browser sets the text."""
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            yield
    finally:
        logger.setLevel(level)
