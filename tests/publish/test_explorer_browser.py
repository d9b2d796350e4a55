"""The fact explorer in a real browser: JupyterLab (token auth) + Debian's Chromium via Playwright.

Starts JupyterLab on a free port with a token, opens ``explore.ipynb`` (parameterised for a run
of the small fixture) in headless Chromium, runs every cell, selects a fact in the list and
checks that the article text appears with exactly that fact's span highlighted.

Playwright drives the system browser (``executable_path``); no browser is downloaded. Skips
with a reason where Chromium or Playwright is missing (``.ci/run`` installs Chromium as root).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import papermill as pm
import pytest
from conftest import finished_small_run

from helpers.core.paths import NOTEBOOKS_DIR, PROJ_ROOT
from helpers.publish import explorer

RAW_SMALL = PROJ_ROOT / "tests" / "fixtures" / "raw_small"
START_TIMEOUT_S = 120
RUN_TIMEOUT_MS = 180_000
# NOTE: as in conftest.HEADLESS_FLAGS: without the background-networking flags Chromium keeps
# trying to reach hosts this sandbox cannot reach.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str, token: str) -> int:
    req = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A small run, a parameterised copy of explore.ipynb, and JupyterLab serving it."""
    tmp = tmp_path_factory.mktemp("explorer-browser")
    run = finished_small_run(tmp, RAW_SMALL)
    root = tmp / "lab"
    root.mkdir()
    params = {
        "processed_dir": str(run["processed"]),
        "run_dir": str(run["run"]),
        "corrections_dir": str(run["corrections"]),
        "reviewer": "browser-test",
    }
    pm.execute_notebook(str(NOTEBOOKS_DIR / "explore.ipynb"), str(root / "explore.ipynb"),
                        parameters=params, prepare_only=True, kernel_name="python3")  # fmt: skip
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root}"]  # fmt: skip
    if os.geteuid() == 0:  # CI and dev machines run as root; JupyterLab refuses without it
        cmd.append("--allow-root")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp / "runtime")}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if _status(f"{base}/api/status", token) == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("JupyterLab did not start")
    yield {"base": base, "token": token, **run}
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def _accept_kernel_dialog(page) -> None:
    """Accept JupyterLab's "Select Kernel" dialog (Python 3) when it shows."""
    dialog = page.locator(".jp-Dialog .jp-mod-accept")
    try:
        dialog.wait_for(timeout=30_000)
    except Exception:  # no dialog: the kernel started by itself
        return
    dialog.click()


def _chromium(browser: str) -> str:
    return str(Path(browser).resolve())


def test_selecting_a_fact_highlights_its_span(browser, lab, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    data = explorer.load_explorer(lab["processed"], lab["run"], lab["corrections"])
    first = data.facts.iloc[0]  # the list shows the facts in table order
    assert _status(f"{lab['base']}/api/contents", "wrong-token") == 403
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=_chromium(browser), args=CHROMIUM_ARGS)
        try:
            page = chromium.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{lab['base']}/lab/tree/explore.ipynb?token={lab['token']}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=RUN_TIMEOUT_MS)
            _accept_kernel_dialog(page)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.get_by_text("Run All Cells", exact=True).click()
            facts = page.locator(".explorer-facts select")
            facts.wait_for(timeout=RUN_TIMEOUT_MS)
            facts.select_option(index=0)
            mark = page.locator(".explorer-detail mark.fact-span").first
            mark.wait_for(timeout=60_000)
            assert mark.inner_text() == first["number_text"]
            detail = page.locator(".explorer-detail")
            assert str(first["title"]) in detail.inner_text()
            detail.scroll_into_view_if_needed()
        finally:
            page.screenshot(path=str(tmp_path / "explorer.png"))
            chromium.close()
