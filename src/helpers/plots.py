"""House chart style (16:9 slides, CJK-capable font) and saving a chart with its data.

Example:
    >>> fams = apply_house_style("zh-Hans")
    >>> fams[-1]
    'sans-serif'
"""

from __future__ import annotations

import warnings
from pathlib import Path

# NOTE: no matplotlib.use() here: inside a kernel the inline backend must stay (charts show in
# the notebook and in report.html); without a display matplotlib picks Agg by itself.
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from helpers import io
from helpers.fonts import INSTALL_HINT, available_cjk_families

SLIDE_FIGSIZE = (12.0, 6.75)  # inches, 16:9; at 300 dpi a 3600 x 2025 px picture
PNG_DPI = 300
LATIN_FALLBACK = ("DejaVu Sans", "sans-serif")
HOUSE_RC = {
    "axes.unicode_minus": False,  # CJK fonts often lack U+2212; use the hyphen-minus
    "axes.titlesize": 20,
    "axes.labelsize": 15,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "figure.dpi": 100,
    "savefig.bbox": "tight",
}


def apply_house_style(labels: str = "zh-Hans") -> list[str]:
    """Set the seaborn theme, slide sizes and a CJK font; return the font family list.

    Args:
        labels: label language; Traditional labels prefer a TC face.

    Returns:
        The ``font.family`` list in force (CJK families first, then Latin fallbacks).
    """
    cjk = available_cjk_families(labels)
    if not cjk:
        warnings.warn(INSTALL_HINT, stacklevel=2)
    families = [*cjk, *LATIN_FALLBACK]
    sns.set_theme(style="whitegrid", context="notebook", palette="colorblind")
    plt.rcParams.update({**HOUSE_RC, "figure.figsize": SLIDE_FIGSIZE, "font.family": families})
    return families


def add_source_note(fig: plt.Figure, text: str) -> None:
    """Write a source line under the chart (every chart carries one)."""
    fig.text(0.01, -0.02, text, ha="left", va="top", fontsize=11, color="#555555")


def save_chart(fig: plt.Figure, data: pd.DataFrame, figures_dir: Path, stem: str) -> list[Path]:
    """Save ``fig`` as PNG (300 dpi) and SVG plus ``data`` as CSV, all with the same stem.

    Args:
        fig: the finished chart.
        data: exactly the numbers the chart shows.
        figures_dir: the run's figures folder.
        stem: file name without suffix, e.g. ``04-exports-by-company``.

    Returns:
        The three paths written (atomically).
    """
    written = []
    for suffix in (".png", ".svg"):
        target = figures_dir / f"{stem}{suffix}"
        with io.atomic_path(target) as tmp:
            fig.savefig(tmp, format=suffix[1:], dpi=PNG_DPI)
        written.append(target)
    written.append(io.write_table(data, figures_dir / f"{stem}.csv"))
    return written
