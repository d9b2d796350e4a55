"""Find a CJK font for matplotlib, or register the PyPI fallback.

Order: fonts installed on the system (Debian ``fonts-noto-cjk``, WenQuanYi, Source Han …),
then the OFL Noto Sans CJK face shipped by the PyPI package ``cvttf-NotoSansCJK-Regular``
(the Makefile installs it into the venv only when the system has no CJK font and apt is not
usable). Proprietary fonts such as SimHei are never looked for or bundled.

``python -m helpers.publish.fonts`` prints the font in use (exit 0) or what to install (exit 1).

Example:
    >>> preferred_families("zh-Hant")[0]
    'Noto Sans CJK TC'
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from matplotlib import font_manager

# Simplified-first and Traditional-first preferences; every listed family covers both scripts.
FAMILIES_HANS = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "Noto Sans CJK TC", "Source Han Sans TC", "Noto Sans TC",
    "Noto Sans CJK JP",
)  # fmt: skip
FAMILIES_HANT = (
    "Noto Sans CJK TC", "Source Han Sans TC", "Noto Sans TC", *FAMILIES_HANS,
)  # fmt: skip
PYPI_FONT_MODULE = "cvttf_NotoSansCJK_Regular"
PYPI_FONT_PACKAGE = "cvttf-NotoSansCJK-Regular"
INSTALL_HINT = (
    "no CJK font found. Install one: `sudo apt-get install fonts-noto-cjk` (Debian/Ubuntu), "
    f"or `.venv/bin/pip install {PYPI_FONT_PACKAGE}` (OFL Noto Sans CJK from PyPI); "
    "`make fonts` tries both."
)


def preferred_families(labels: str = "zh-Hans") -> tuple[str, ...]:
    """Return CJK font families in order of preference for a label language."""
    seen: dict[str, None] = dict.fromkeys(FAMILIES_HANT if labels == "zh-Hant" else FAMILIES_HANS)
    return tuple(seen)


def register_pypi_font() -> Path | None:
    """Register the PyPI fallback font with matplotlib if its package is installed."""
    spec = importlib.util.find_spec(PYPI_FONT_MODULE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    faces = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".otf", ".ttf", ".ttc"})
    for face in faces:
        font_manager.fontManager.addfont(str(face))
    return faces[0] if faces else None


def available_cjk_families(labels: str = "zh-Hans") -> list[str]:
    """Return the preferred CJK families matplotlib can use now, best first."""
    known = {f.name for f in font_manager.fontManager.ttflist}
    found = [name for name in preferred_families(labels) if name in known]
    if not found and register_pypi_font() is not None:
        known = {f.name for f in font_manager.fontManager.ttflist}
        found = [name for name in preferred_families(labels) if name in known]
    return found


def rebuild_font_cache() -> None:
    """Re-scan system fonts (matplotlib caches the list; a new font is invisible until then)."""
    font_manager._load_fontmanager(try_read_cache=False)


def main() -> int:
    """Print the CJK font matplotlib will use; exit 1 with install hints when there is none."""
    if "--rebuild" in sys.argv[1:]:
        rebuild_font_cache()
    families = available_cjk_families()
    if not families:
        print(f"error: {INSTALL_HINT}", file=sys.stderr)
        return 1
    path = font_manager.findfont(font_manager.FontProperties(family=families[0]))
    print(f"CJK font: {families[0]} ({path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
