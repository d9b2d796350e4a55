"""report.pdf beside report.html: the same page printed by headless Chromium.

NOTE: why Chromium and not WeasyPrint. The PDF must show exactly what the browser shows
(the page is tested in Chromium at desktop and phone widths), with Chinese glyphs from the
system's CJK font (fontconfig, as the browser uses). Chromium's print-to-PDF honours the
page's ``@page { size: A4 landscape }`` and ``break-before: page`` rules, adds no Python
dependency and no system libraries the machine lacks (WeasyPrint needs Pango ≥ 1.44 and would
be a second layout engine to keep in step with the browser). Where no Chromium is installed
the PDF is skipped with a reason in the run's log and manifest; the run still succeeds.
nbconvert's LaTeX PDF is no option: it shows no Chinese without a custom xeCJK template.

NOTE: Noto Sans CJK draws 车 and the radical ⻋ (U+2ECB) with one glyph, and Chromium's PDF
writer names such a glyph by its lowest code point: the PDF would show 汽车 but copy and
search as 汽⻋ (and 行 as ⾏, 日 as ⽇). :func:`fix_text_layer` maps radical code points in
the fonts' ToUnicode tables back to the ideographs (Kangxi radicals by NFKC, the CJK Radicals
Supplement by :data:`RADICAL_IDEOGRAPHS`, Unicode's equivalent unified ideographs).

Example:
    >>> find_browser(("no-such-browser-here",)) is None
    True
    >>> print_pdf(Path("report.html"), Path("report.pdf"), browser=None).reason
    'no Chromium found (chromium, chromium-browser, google-chrome): report.pdf skipped'
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# NOTE: without the background-networking flags Chromium keeps trying to reach hosts (update
# checks, sync) that a scheduled run's machine may not reach; --no-sandbox because runs (and
# CI) are often root, where Chromium refuses its sandbox. The page it prints runs no script
# (its Content-Security-Policy forbids them).
HEADLESS_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-pdf-header-footer",
)  # fmt: skip
TIMEOUT_SECONDS = 180
# CJK Radicals Supplement -> equivalent unified ideograph (pairs; those a CJK font draws alike).
RADICAL_IDEOGRAPHS = dict(zip(*[iter(
    "⺂乛⺃乚⺅亻⺉刂⺎兀⺏尣⺐尢⺒巳⺓幺⺔彑⺖忄⺘扌⺙攵⺛旡⺞歺⺟母⺠民⺡氵⺣灬⺦丬⺨犭⺫罒⺭礻⺯糹⺰纟"
    "⺱罓⺲罒⺹耂⺺肀⺾艹⻂衤⻃覀⻄西⻅见⻈讠⻉贝⻋车⻍辶⻐钅⻑長⻒镸⻓长⻖阝⻘青⻙韦⻚页⻛风⻜飞⻟飠"
    "⻠饣⻢马⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉⻬齐⻭歯⻮齿⻯竜⻰龙⻲亀⻳龟"
)] * 2, strict=True))  # fmt: skip
BFCHAR_RE = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
BFCHAR_DST_RE = re.compile(rb"(<[0-9A-Fa-f]+>\s*)<(2[EeFf][0-9A-Fa-f]{2})>")


@dataclass(frozen=True)
class PdfResult:
    """The PDF written, or why none was (``reason`` also notes a text layer left as printed)."""

    path: Path | None
    reason: str = ""
    seconds: float = 0.0


def find_browser(names: tuple[str, ...] = BROWSERS) -> str | None:
    """Path of the first installed Chromium of ``names``, else None."""
    for name in names:
        if found := shutil.which(name):
            return found
    return None


def print_pdf(
    html_path: Path, pdf_path: Path, browser: str | None = "", timeout: float = TIMEOUT_SECONDS
) -> PdfResult:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium; never raises.

    Args:
        html_path: the page (a local file).
        pdf_path: where the PDF goes (renamed into place once complete).
        browser: path of Chromium; ``""`` looks it up, None means none is available.
        timeout: seconds before Chromium is given up on.

    Returns:
        A :class:`PdfResult`: the path, or None and the reason.
    """
    if browser == "":
        browser = find_browser()
    if not browser:
        return PdfResult(None, f"no Chromium found ({', '.join(BROWSERS)}): report.pdf skipped")
    start = time.perf_counter()
    tmp = pdf_path.with_name(f".{pdf_path.name}.{os.getpid()}.tmp")
    try:
        with tempfile.TemporaryDirectory(prefix="helpers-pdf-") as profile:
            outcome = _run_chromium(browser, profile, html_path, tmp, timeout)
        if outcome:
            return PdfResult(None, outcome)
        note = _mend_text_layer(tmp)
        os.replace(tmp, pdf_path)  # same folder: a reader never sees half a PDF
    finally:
        tmp.unlink(missing_ok=True)
    return PdfResult(pdf_path, note, seconds=time.perf_counter() - start)


def _mend_text_layer(path: Path) -> str:
    """:func:`fix_text_layer`, or why the PDF keeps Chromium's text layer (never raises)."""
    try:
        fix_text_layer(path)
    except Exception as err:  # a PDF that reads a radical for 车 still beats no PDF
        return f"text layer kept as printed ({type(err).__name__}: {err})"
    return ""


def _run_chromium(browser: str, profile: str, html_path: Path, out: Path, timeout: float) -> str:
    """Print with Chromium into ``out``; return "" or why no PDF was written."""
    cmd = [browser, *HEADLESS_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}",
           Path(html_path).resolve().as_uri()]  # fmt: skip
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"Chromium failed: {type(err).__name__}: {err}"
    if not out.exists() or out.stat().st_size == 0:
        tail = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
        return f"Chromium wrote no PDF (exit {done.returncode}): {tail[0]}"
    return ""


def ideograph_of(code_point: int) -> int:
    """The unified ideograph a radical code point stands for (other code points unchanged).

    Example:
        >>> chr(ideograph_of(0x2ECB)), chr(ideograph_of(0x2F8F)), chr(ideograph_of(ord("车")))
        ('车', '行', '车')
    """
    char = chr(code_point)
    if char in RADICAL_IDEOGRAPHS:
        return ord(RADICAL_IDEOGRAPHS[char])
    if 0x2F00 <= code_point <= 0x2FDF:
        return ord(unicodedata.normalize("NFKC", char))
    return code_point


def remap_cmap(data: bytes) -> bytes:
    r"""A ToUnicode CMap with radical targets of single-code entries mapped to ideographs.

    Example:
        >>> remap_cmap(b"2 beginbfchar\n<37> <4E07>\n<EF> <2ECB>\nendbfchar")
        b'2 beginbfchar\n<37> <4E07>\n<EF> <8F66>\nendbfchar'
    """

    def fix_entry(m: re.Match) -> bytes:
        return m.group(1) + b"<%04X>" % ideograph_of(int(m.group(2), 16))

    def fix_block(m: re.Match) -> bytes:
        return b"beginbfchar" + BFCHAR_DST_RE.sub(fix_entry, m.group(1)) + b"endbfchar"

    return BFCHAR_RE.sub(fix_block, data)


def fix_text_layer(path: Path) -> int:
    """Rewrite ``path`` with radical code points of its text layer mapped to ideographs.

    Returns how many ToUnicode tables changed (0: the file is left untouched).
    """
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    # NOTE: Chromium's trailer /Size undercounts its objects by a few; pypdf reads the file
    # correctly and says so on every run ("Object count … exceeds defined trailer size").
    # That line would only be noise in a scheduled run's log.
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        writer = PdfWriter(clone_from=str(path))
    finally:
        quiet.setLevel(level)
    changed = 0
    seen: set[int] = set()
    for page in writer.pages:
        for ref in page.get("/Resources", {}).get("/Font", {}).values():
            font = ref.get_object()
            cmap = font.get(NameObject("/ToUnicode"))
            if cmap is None or id(cmap.get_object()) in seen:
                continue
            stream = cmap.get_object()
            seen.add(id(stream))
            data = stream.get_data()
            fixed = remap_cmap(data)
            if fixed != data:
                stream.set_data(fixed)
                changed += 1
    if changed:
        with open(path, "wb") as out:
            writer.write(out)
    return changed
