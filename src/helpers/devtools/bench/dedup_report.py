"""The dedup benchmark's markdown: the fair table, recall per copy process, speed, machine.

Example:
    >>> fmt_merges({"template": (0, 120), "two_outlets": (1, 40)})
    '0 / 120, 1 / 40'
"""

from __future__ import annotations

import numpy as np

HARD_ORDER = ("template", "company_months", "two_outlets")
# What each method is given and what decides, by its row name's start.
SEES = {
    "ours, fresh": ("raw body", "ours (OPH MinHash + LSH)", "ours (everything)"),
    "ours (": ("raw body", "ours (OPH MinHash + LSH)", "ours (everything)"),
    "ours without": ("raw body", "ours (OPH MinHash + LSH)", "ours, figures off"),
    "datasketch, raw": ("raw body", "datasketch MinHashLSH", "none (LSH components)"),
    "datasketch, our normalised text + our": (
        "our text_norm",
        "datasketch MinHashLSH",
        "ours (exact overlaps, figures, clusters)",
    ),
    "datasketch, our normalised text": ("our text_norm", "datasketch MinHashLSH", "none"),
}
SHORT = {
    "ours, fresh process (includes one-time setup)": "ours, fresh",
    "ours (helpers.dedup)": "ours",
    "ours without figures (compare_figures=False)": "ours, no figures",
    "datasketch, raw body (update_batch + MinHashLSH)": "ds raw",
    "datasketch, our normalised text": "ds norm",
    "datasketch, our normalised text + our verification": "ds norm + verify",
    "datasketch, raw body (update() loop)": "ds raw, update()",
}


def _sees(method: str) -> tuple[str, str, str]:
    # The longest matching prefix wins ("…normalised text + our" before "…normalised text").
    key = max((k for k in SEES if method.startswith(k)), key=len)
    return SEES[key]


def fmt_merges(hard: dict[str, tuple[int, int]]) -> str:
    """``merged / pairs`` per hard-negative kind, in :data:`HARD_ORDER`."""
    return ", ".join(f"{hard[k][0]} / {hard[k][1]}" for k in HARD_ORDER if k in hard)


def fair_table(rows: list[dict], batch: str) -> str:
    """One row per method: what it sees, precision/recall/F1, hard-negative merges, speed."""
    base = next(r["seconds"] for r in rows if r["method"] == batch)
    head = (
        "| method | sees | candidates | verification | precision | recall | F1 "
        "| hard-negative merges (template, company months, two outlets) | seconds (median of runs) "
        "| vs update_batch | peak extra memory |\n"
        "|---|---|---|---|---:|---:|---:|---|---:|---:|---:|"
    )
    lines = []
    for r in rows:
        sees, cand, verify = _sees(r["method"])
        runs = ", ".join(f"{s:.2f}" for s in r["run_seconds"])
        lines.append(
            f"| {r['method']} | {sees} | {cand} | {verify} | {r['precision']:.4f} "
            f"| {r['recall']:.4f} | **{r['f1']:.4f}** | {fmt_merges(r['hard'])} "
            f"| {r['seconds']:.2f} ({runs}) | {base / r['seconds']:.1f}x | {r['peak_mb']:,.0f} MB |"
        )
    return "\n".join([head, *lines])


def kind_table(rows: list[dict]) -> str:
    """Recall per copy process (rows) for each method (columns)."""
    kinds = [*sorted({k for r in rows for k in r["kinds"]} - {"all copies"}), "all copies"]
    names = [SHORT.get(r["method"], r["method"]) for r in rows]
    head = "| copy process | " + " | ".join(names) + " |\n|---|" + "---:|" * len(rows)
    lines = [
        f"| {k} | " + " | ".join(f"{r['kinds'].get(k, float('nan')):.3f}" for r in rows) + " |"
        for k in kinds
    ]
    return "\n".join([head, *lines])


def paired(rows: list[dict], names: dict[str, str]) -> str:
    """update_batch seconds over ours, run by run, and the fresh process's ratio."""
    runs = {r["method"]: r["run_seconds"] for r in rows}
    ours, batch = runs[names["ours"]], runs[names["batch"]]
    ratios = ", ".join(f"{b / o:.1f}x" for o, b in zip(ours, batch, strict=True))
    fresh = float(np.median(batch)) / runs[names["cold"]][0]
    median = float(np.median(batch)) / float(np.median(ours))
    cpu = {r["method"]: r["run_cpu"] for r in rows}
    cpu_ratios = ", ".join(
        f"{b / o:.1f}x" for o, b in zip(cpu[names["ours"]], cpu[names["batch"]], strict=True)
    )
    cpu_seconds = ", ".join(f"{r['method']} {np.median(r['run_cpu']):.2f} s" for r in rows)
    return (
        f"Paired ratios (update_batch / ours, run by run): {ratios}; median {median:.1f}x; "
        f"fresh process vs median update_batch: {fresh:.1f}x. The same in CPU seconds "
        f"(less sensitive to the other sessions' load): {cpu_ratios}.\n\nCPU seconds "
        f"(median): {cpu_seconds}."
    )


def links(rows: list[dict], ours: str) -> str:
    """Ours' template and story links (what a merge would hide is kept, and linked)."""
    r = next(r for r in rows if r["method"] == ours)
    return "\n".join(f"- {name}: {a} of {b}" for name, (a, b) in r["links"].items())


NOTES = """How it is measured:

- Each run is one call on the same DataFrame in its own forked child process; seconds are
  wall time. Ours and datasketch `update_batch` alternate (paired runs), so a burst of load
  on the shared machine hits both; the other methods run once. Peak extra memory is the
  child's peak RSS above its RSS at the start.
- "fresh process" is ours before anything was warmed (code-point tables, OpenCC
  dictionaries, the boilerplate catalog: a one-time cost per process). The other rows run
  after a warm-up in the parent (ours on 200 articles, datasketch on 20).
- Precision and recall count pairs of articles placed in one cluster against the truth (an
  original and its copies are one story; every hard-negative story is its own). Recall per
  copy process: the share of copies in their original's cluster (a copy made by two
  processes counts for both). Hard-negative merges: pairs of different stories of one
  family (one template, one company's months, one event's two outlets) that share a
  cluster; the second number is all such pairs.
- The copies are made by zhconv (not OpenCC, which our rules use), by shuffling, cutting,
  inserting and noising text; edits never touch a figure or the character before it (by
  issue 15's rule a copy whose figure changed is another text). Nothing in the corpus is
  stored: it is generated at bench time, real dump sentences included."""


def render(rows: list[dict], **ctx) -> str:
    """The whole markdown file."""
    names = ctx["names"]
    return "\n\n".join(
        [
            "# Stage 02 dedup benchmark",
            f"`{ctx['command']}` (whole run {ctx['seconds']:.0f} s; load average "
            f"{' -> '.join(ctx['loads'])} at start, after the paired runs, at the end; 2 cores "
            "shared with other sessions).",
            ctx["corpus_text"],
            "## Every method on the same corpus\n\n" + fair_table(rows, names["batch"]),
            paired(rows, names),
            "## Recall per copy process\n\n" + kind_table(rows),
            "## Links ours keeps instead of merging\n\n" + links(rows, names["ours"]),
            "## Machine\n\n" + "\n".join(ctx["machine"]),
            NOTES,
        ]
    )
