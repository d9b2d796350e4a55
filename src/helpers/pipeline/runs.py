"""Run folders, manifests and the staging area that keeps the last good outputs intact.

A run writes ``reports/<run-id>/`` with ``notebooks/``, ``figures/``, ``tables/`` and
``manifest.json``. Stage tables are written to a staging copy of the processed folder and
promoted (renamed file by file) only when every stage succeeded, so a failed run never leaves
``data/processed`` half-updated.

Example:
    >>> rid = new_run_id({"labels": "zh-Hans", "raw_dir": "样本"})
    >>> len(rid.split("-")[1])
    7
"""

from __future__ import annotations

import ctypes
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import stat
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from helpers.core import io
from helpers.core.paths import PROJ_ROOT

STAGING_PREFIX = ".staging-"
AT_FDCWD, RENAME_EXCHANGE = -100, 2  # <fcntl.h>, <linux/fs.h>
LATEST_NAME = "latest"
RUN_SUBDIRS = ("notebooks", "figures", "tables")
RUN_ID_RE = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{7}$")
# Packages whose versions go into every manifest (what a reader needs to reproduce numbers).
TRACKED_PACKAGES = (
    "pandas", "numpy", "pyarrow", "matplotlib", "seaborn", "jieba", "papermill", "opencc",
    "charset-normalizer", "datasketch", "python-pptx", "trafilatura", "lxml", "nbconvert",
    "ipykernel",
)  # fmt: skip


def utc_now() -> dt.datetime:
    """Return the current UTC time (one place, so tests can reason about it)."""
    return dt.datetime.now(dt.UTC)


def new_run_id(parameters: dict[str, object], now: dt.datetime | None = None) -> str:
    """Return ``YYYYmmddTHHMMSSZ-<7 hex>``: sortable by time, distinct for distinct parameters."""
    now = now or utc_now()
    salt = json.dumps(parameters, sort_keys=True, default=str) + now.isoformat() + str(os.getpid())
    digest = hashlib.sha256(salt.encode("utf-8")).hexdigest()[:7]
    return f"{now:%Y%m%dT%H%M%SZ}-{digest}"


def create_run_dir(reports_dir: Path, run_id: str) -> Path:
    """Create ``reports_dir/run_id`` and its sub-folders; refuse to reuse an existing one."""
    run_dir = reports_dir / run_id
    run_dir.mkdir(parents=True, exist_ok=False)
    for name in RUN_SUBDIRS:
        (run_dir / name).mkdir()
    return run_dir


def fingerprint_inputs(raw_dir: Path) -> dict[str, dict[str, object]]:
    """Return ``{relative path: {"sha256", "bytes"}}`` for every entry under ``raw_dir``.

    Folder links are not followed (as in stage 01). An entry that cannot be hashed — a pipe,
    a dangling or looping link, an unreadable file — is listed with ``sha256`` None and the
    reason in ``error``, never a crash: stage 01 quarantines it, the manifest says so.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()); _ = (d / "新闻.txt").write_text("出口", encoding="utf-8")
        >>> (d / "断链.txt").symlink_to(d / "无")
        >>> {k: v.get("error", v["bytes"]) for k, v in fingerprint_inputs(d).items()}
        {'断链.txt': 'dangling_symlink', '新闻.txt': 6}
    """
    entries = {}
    for root, dirs, names in os.walk(raw_dir):
        links = [d for d in dirs if os.path.islink(os.path.join(root, d))]
        for name in [*names, *links]:
            path = Path(root, name)
            entries[path.relative_to(raw_dir).as_posix()] = _fingerprint(path)
    return dict(sorted(entries.items()))


def _fingerprint(path: Path) -> dict[str, object]:
    try:
        if path.is_symlink() and not path.exists():
            return {"sha256": None, "bytes": None, "error": "dangling_symlink"}
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            return {"sha256": None, "bytes": None, "error": "not_regular_file"}
        return {"sha256": io.sha256_file(path), "bytes": st.st_size}
    except OSError as err:
        return {"sha256": None, "bytes": None, "error": f"{type(err).__name__}: {err.strerror}"}


def package_versions(names: tuple[str, ...] = TRACKED_PACKAGES) -> dict[str, str | None]:
    """Return installed versions of ``names`` (None when a package is not installed)."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_state(repo: Path = PROJ_ROOT) -> dict[str, object]:
    """Return the git commit and whether the work tree had uncommitted changes."""

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain") if commit else None
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def environment_info() -> dict[str, object]:
    """Return interpreter and platform facts for the manifest."""
    return {"python": sys.version.split()[0], "platform": platform.platform()}


def staging_path(processed_dir: Path, run_id: str) -> Path:
    """Where a run stages its tables: a hidden sibling of the processed folder.

    Example:
        >>> staging_path(Path("data/processed"), "20261205T101500Z-3f9a2c1").as_posix()
        'data/.processed.staging-20261205T101500Z-3f9a2c1'
    """
    return processed_dir.parent / f".{processed_dir.name}{STAGING_PREFIX}{run_id}"


def prepare_staging(processed_dir: Path, run_id: str) -> Path:
    """Create a staging copy of ``processed_dir`` that stages read from and write to.

    Every existing file is hard-linked (copied where links are not possible), so a stage run
    with ``--from`` still finds the earlier stages' tables and the staging folder is a complete
    processed folder. Writes are atomic renames, which replace the link in staging and never
    touch the original file.
    """
    processed_dir.mkdir(parents=True, exist_ok=True)
    staging = staging_path(processed_dir, run_id)
    staging.mkdir()
    for src in sorted(p for p in processed_dir.rglob("*") if p.is_file()):
        dst = staging / src.relative_to(processed_dir)
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
    return staging


def exchange_dirs(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns False where the system or file system cannot (the caller falls back).

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()); (d / "甲").mkdir(); (d / "乙").mkdir()
        >>> _ = (d / "甲" / "x").write_text("1")
        >>> exchange_dirs(d / "甲", d / "乙") and (d / "乙" / "x").exists()
        True
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return result == 0


def promote_staging(staging: Path, processed_dir: Path) -> list[str]:
    """Make ``staging`` the processed folder in one atomic step; return the files it holds.

    NOTE: the folders are exchanged with one ``renameat2(RENAME_EXCHANGE)``, so a reader (or a
    SIGKILL) sees either every table of the old run or every table of the new one, never a mix.
    Where the exchange is not available the files are renamed one by one (each atomic).
    """
    moved = [p.relative_to(staging).as_posix() for p in _visible_files(staging)]
    if exchange_dirs(staging, processed_dir):
        shutil.rmtree(staging)  # now the previous processed folder
        return moved
    for rel in moved:
        dst = processed_dir / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / rel, dst)
    shutil.rmtree(staging)
    return moved


def discard_staging(staging: Path) -> None:
    """Remove a staging folder after a failed run; the processed folder stays as it was."""
    shutil.rmtree(staging, ignore_errors=True)


def remove_stale_staging(processed_dir: Path) -> list[str]:
    """Delete staging folders left by killed runs (call only while holding the run lock).

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp()); staging_path(d / "p", "old").mkdir()
        >>> remove_stale_staging(d / "p")
        ['.p.staging-old']
    """
    pattern = f".{processed_dir.name}{STAGING_PREFIX}*"
    stale = sorted(p for p in processed_dir.parent.glob(pattern) if p.is_dir())
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return [p.name for p in stale]


def _visible_files(folder: Path) -> list[Path]:
    """Files under ``folder`` whose path has no dot-named part (locks, staging, temp files)."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def file_signature(path: Path) -> tuple[int, int] | None:
    """Return (inode, mtime_ns) of ``path`` or None: tells whether a stage rewrote a file."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)


def point_latest(reports_dir: Path, run_dir: Path) -> Path:
    """Point ``reports_dir/latest`` at ``run_dir`` (relative symlink, replaced atomically)."""
    link = reports_dir / LATEST_NAME
    tmp = reports_dir / f".{LATEST_NAME}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(run_dir.name, target_is_directory=True)
    os.replace(tmp, link)
    return link


def prune_runs(reports_dir: Path, keep: int) -> list[str]:
    """Delete all but the ``keep`` newest run folders; never the one ``latest`` points to.

    Args:
        reports_dir: the folder holding run folders.
        keep: how many of the newest runs to keep (at least 1).

    Returns:
        The names of the deleted run folders, oldest first.
    """
    if keep < 1:
        raise ValueError("--keep must be at least 1")
    latest = reports_dir / LATEST_NAME
    protected = latest.resolve().name if latest.is_symlink() else None
    run_dirs = sorted(
        p.name for p in reports_dir.iterdir() if p.is_dir() and RUN_ID_RE.match(p.name)
    )
    doomed = [name for name in run_dirs[:-keep] if name != protected]
    for name in doomed:
        shutil.rmtree(reports_dir / name)
    return doomed
