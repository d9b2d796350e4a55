"""report.pdf beside report.html: the same page printed by headless Chromium.

NOTE: why Chromium and not WeasyPrint. The PDF must show exactly what the browser shows
(the page is tested in Chromium at desktop and phone widths), with Chinese glyphs from the
system's CJK font (fontconfig, as the browser uses). Chromium's print-to-PDF honours the
page's ``@page { size: A4 landscape }`` and ``break-before: page`` rules, adds no Python
dependency and no system libraries the machine lacks (WeasyPrint needs Pango ≥ 1.44 and would
be a second layout engine to keep in step with the browser). Where no Chromium is installed
the PDF is skipped with a reason in the run's log and manifest; the run still succeeds.
nbconvert's LaTeX PDF is no option: it shows no Chinese without a custom xeCJK template.

Example:
    >>> find_browser(("no-such-browser-here",)) is None
    True
    >>> print_pdf(Path("report.html"), Path("report.pdf"), browser=None).reason
    'no Chromium found (chromium, chromium-browser, google-chrome): report.pdf skipped'
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
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


@dataclass(frozen=True)
class PdfResult:
    """The PDF written, or why none was."""

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
        os.replace(tmp, pdf_path)  # same folder: a reader never sees half a PDF
    finally:
        tmp.unlink(missing_ok=True)
    return PdfResult(pdf_path, seconds=time.perf_counter() - start)


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
