r"""``python -m helpers correct``: write a reviewed decision to ``data/corrections/``.

Every action checks its target against the last good run (``data/processed``) before it
writes, so a typo never becomes a correction that is stale from day one (``--force`` writes
anyway, e.g. for a fact a coming run will have):

.. code-block:: bash

    python -m helpers correct reject f-3be38fb6cba86211 --why "乘联会口径，与中汽协重复"
    python -m helpers correct set f-3be38fb6cba86211 --value 8320000 --market world --why "…"
    python -m helpers correct add --article d8693eca2dbd8ad5 --quote "343萬輛" \
        --entity china --metric nev_exports --value 3430000 --unit vehicles --why "…"
    python -m helpers correct alias 迪子 byd --why "比亚迪的俗称"
    python -m helpers correct not-duplicate 051f96182629e3d2 0fde9a798fdaacf2 --why "…"
    python -m helpers correct same-story 273ea9608113f351 7370705c151e82dc --why "…"
    python -m helpers correct list            # every correction with its status in the last run

Corrections take effect on the next run (``python -m helpers run``; ``--from dedup`` is
enough for all of them). Exit status: 0 written, 2 bad arguments or an unknown target.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

import pandas as pd

from helpers.catalog import corrections as cor
from helpers.core import io, paths

EXIT_OK, EXIT_USAGE = 0, 2
# CLI flag -> field of a set / add
FIELD_FLAGS = {
    "value": "value", "value_high": "value_high", "unit": "unit", "entity": "entity_id",
    "metric": "metric", "period": "period", "market": "market", "data_source": "data_source",
    "qualifier": "qualifier",
}  # fmt: skip
SEEN_FIELDS = ("article_id", "number_text", "entity_id", "metric", "value", "period", "market")


class CorrectError(ValueError):
    """A correction that cannot be written as asked; the message says why."""


def build_parser() -> argparse.ArgumentParser:
    """The ``correct`` command's parser (one sub-command per action, plus ``list``)."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers correct",
        description="Write a reviewed correction to data/corrections/ (applied by the next run).",
        epilog=__doc__.split("Corrections take effect")[1].join(["Corrections take effect", ""]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="action", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--why", help="the reason, in a sentence (required to write)")
    common.add_argument("--who", default=None, help="reviewer (default: the login name)")
    common.add_argument("--corrections-dir", default=str(paths.CORRECTIONS_DIR))
    common.add_argument("--processed-dir", default=str(paths.PROCESSED_DIR),
                        help="the last good run's tables, to check the target")  # fmt: skip
    common.add_argument("--force", action="store_true", help="write even if the target is unknown")
    for name in ("reject", "set"):
        p = sub.add_parser(name, parents=[common], help=f"{name} a fact by its id")
        p.add_argument("fact_id")
        if name == "set":
            _field_flags(p)
    add = sub.add_parser("add", parents=[common], help="add a fact by hand")
    where = add.add_mutually_exclusive_group(required=True)
    where.add_argument("--article", help="article id whose body holds the quote")
    where.add_argument("--source-url", help="a page outside the corpus")
    add.add_argument("--quote", required=True, help="the figure as written in the text")
    add.add_argument("--published-date", help="publication date of --source-url (YYYY-MM-DD)")
    _field_flags(add)
    alias = sub.add_parser("alias", parents=[common], help="this text names that entity")
    alias.add_argument("text")
    alias.add_argument("entity_id")
    for name in cor.PAIR_ACTIONS:
        p = sub.add_parser(name, parents=[common], help=f"mark two articles {name}")
        p.add_argument("article_ids", nargs=2, metavar="ARTICLE_ID")
    listing = sub.add_parser("list", parents=[common], help="show corrections and their status")
    listing.add_argument("--stale", action="store_true", help="only stale and invalid ones")
    return parser


def _field_flags(p: argparse.ArgumentParser) -> None:
    for flag, name in FIELD_FLAGS.items():
        kind = float if name in cor.NUMERIC_FIELDS else str
        p.add_argument(f"--{flag.replace('_', '-')}", dest=flag, type=kind, help=f"new {name}")


def _fields(args: argparse.Namespace) -> dict:
    values = {FIELD_FLAGS[f]: getattr(args, f) for f in FIELD_FLAGS}
    return {k: v for k, v in values.items() if v is not None}


def _table(processed: Path, name: str) -> pd.DataFrame | None:
    path = processed / name
    return io.read_table(path) if path.exists() else None


def seen_of(fact: pd.Series) -> dict:
    """What the reviewer saw of a fact (kept with the correction; names it when stale).

    Example:
        >>> seen_of(pd.Series({"article_id": "a", "number_text": "343萬輛", "value": 3430000.0}))
        {'article_id': 'a', 'number_text': '343萬輛', 'value': 3430000.0}
    """
    out = {}
    for k in SEEN_FIELDS:
        if k in fact.index and pd.notna(fact[k]) and fact[k] != "":
            value = fact[k]
            out[k] = value.item() if hasattr(value, "item") else value
    return out


def check_fields(values: dict) -> None:
    """Raise :class:`CorrectError` for an entity id or metric the catalogue does not know."""
    if bad := cor.unknown_values(values):
        raise CorrectError(f"{', '.join(bad)} not in catalog/entities.yaml or metrics.yaml")


def _fact_target(args: argparse.Namespace, facts: pd.DataFrame | None) -> dict:
    """``fact_id`` and ``seen`` of a reject/set; unknown ids are an error unless --force."""
    found = None if facts is None else facts[facts["fact_id"] == args.fact_id]
    if found is None or found.empty:
        if not args.force:
            raise CorrectError(f"no fact {args.fact_id} in the last run (--force writes anyway)")
        return {"fact_id": args.fact_id}
    return {"fact_id": args.fact_id, "seen": seen_of(found.iloc[0])}


def _articles_known(args: argparse.Namespace, ids: list[str], articles: pd.DataFrame | None):
    known = set() if articles is None else set(articles["article_id"])
    unknown = [i for i in ids if i not in known]
    if unknown and not args.force:
        raise CorrectError(f"article(s) {unknown} not in the last run (--force writes anyway)")


def _add_target(args: argparse.Namespace, articles: pd.DataFrame | None) -> dict:
    fact = _fields(args)
    missing = [k for k in cor.ADD_REQUIRED if k not in fact]
    if missing:
        raise CorrectError(f"add needs --{' --'.join(m.replace('_id', '') for m in missing)}")
    check_fields(fact)
    if args.source_url:
        return {"source_url": args.source_url, "quote": args.quote, "fact": fact,
                "published_date": args.published_date}  # fmt: skip
    _articles_known(args, [args.article], articles)
    if articles is not None and args.article in set(articles["article_id"]):
        body = str(articles.set_index("article_id").at[args.article, "body"])
        if args.quote not in body and not args.force:
            raise CorrectError(f"the quote {args.quote!r} is not in article {args.article}")
    return {"article_id": args.article, "quote": args.quote, "fact": fact}


def entry_from_args(args: argparse.Namespace) -> dict:
    """The correction entry an invocation asks for, checked against the last run."""
    if not args.why:
        raise CorrectError("--why is required: say in a sentence why (it is kept with it)")
    processed = paths.resolve(args.processed_dir)
    facts = _table(processed, "facts.parquet")
    articles = _table(processed, "articles_dedup.parquet")
    if args.action in ("reject", "set"):
        fields = _fact_target(args, facts)
        if args.action == "set":
            fields["set"] = _fields(args)
            if not fields["set"]:
                raise CorrectError("set needs at least one field, e.g. --value 8320000")
            check_fields(fields["set"])
    elif args.action == "add":
        fields = _add_target(args, articles)
    elif args.action == "alias":
        check_fields({"entity_id": args.entity_id})
        fields = {"text": args.text, "entity_id": args.entity_id}
    else:
        _articles_known(args, args.article_ids, articles)
        fields = {"article_ids": list(args.article_ids)}
    who = args.who or getpass.getuser()
    return cor.new_correction(args.action, who=who, why=args.why, **fields)


def list_corrections(corrections_dir: str, processed_dir: str, stale_only: bool) -> pd.DataFrame:
    """Every correction with its status in the last run (``not run yet`` when it has none)."""
    table = cor.corrections_table(cor.load_corrections(corrections_dir))
    log = _table(paths.resolve(processed_dir), f"{cor.COMBINED_LOG}.parquet")
    log = log if log is not None else cor.new_log()
    last = log.drop_duplicates("correction_id").set_index("correction_id")
    status, detail = last["status"].to_dict(), last["detail"].to_dict()
    table["status"] = [status.get(i, "not run yet") for i in table["correction_id"]]
    table["detail"] = [detail.get(i, "") for i in table["correction_id"]]
    if stale_only:
        table = table[table["status"].isin(["stale", "invalid"])]
    return table


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m helpers correct``; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.action == "list":
        table = list_corrections(args.corrections_dir, args.processed_dir, args.stale)
        with pd.option_context("display.max_colwidth", 60, "display.width", 200):
            print(table.to_string(index=False) if len(table) else "no corrections")
        return EXIT_OK
    try:
        entry = entry_from_args(args)
        path = cor.append_correction(args.corrections_dir, entry)
    except (CorrectError, cor.CorrectionsError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{entry['id']} {entry['action']} written to {path}; applied by the next run")
    return EXIT_OK
