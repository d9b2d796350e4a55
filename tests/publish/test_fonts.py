"""The PyPI font fallback is found and registered when no system CJK font exists."""

from __future__ import annotations

import shutil
import sys

import matplotlib
from matplotlib import font_manager

from helpers.publish import fonts


def test_register_pypi_font_adds_its_face(tmp_path, monkeypatch):
    # A stand-in for the PyPI package: same module name, a real font file inside.
    pkg = tmp_path / fonts.PYPI_FONT_MODULE
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    src = font_manager.findfont("DejaVu Sans")
    shutil.copy(src, pkg / "StandIn-Regular.ttf")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, fonts.PYPI_FONT_MODULE, raising=False)
    registered = fonts.register_pypi_font()
    assert registered == pkg / "StandIn-Regular.ttf"
    assert any(f.fname == str(registered) for f in font_manager.fontManager.ttflist)


def test_register_pypi_font_without_package_is_none(monkeypatch):
    monkeypatch.setattr(fonts, "PYPI_FONT_MODULE", "no_such_font_package_here")
    assert fonts.register_pypi_font() is None


def test_matplotlib_reads_every_face_of_a_collection():
    # PITFALLS: before 3.11 only the first face of a .ttc was registered (SC missing).
    major, minor = (int(x) for x in matplotlib.__version__.split(".")[:2])
    assert (major, minor) >= (3, 11)
