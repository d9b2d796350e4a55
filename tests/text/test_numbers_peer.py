"""Run helpers.text.numbers over the Recognizers-Text Chinese spec files (../shared/peer).

Each spec case gives an input and the expected results (matched ``Text`` and
``Resolution.value``). Cases whose ``NotSupported`` names python are left out. How our output
maps to the spec's, and why:

- NumberModel: we compare each expected result with our ``numeral`` (the numeral without
  qualifier, unit or 百分之) and ``value``. Dates, periods and ordinals are kept
  (``skip_kinds=()``): the spec reports 1991 in 1991年. The spec keeps money, % and 成/折
  discount forms for its Currency and Percent models, so those results of ours are left out
  here; a fraction (N分之M) is our kind percent 100*M/N and the spec's ratio M/N, so a
  percent matches when value/100 equals the spec's value.
- PercentModel: expected results are compared with our percent and percentage-point results,
  whole ``text`` and ``value`` (the spec writes "2.4%").

Texts are compared after NFKC, lower-casing and trimming (the spec writes full-width input
back half-width). Values match within a relative 1e-9 (the spec prints 15 digits).
Failures are printed as a list to read, not to hide.
"""

from __future__ import annotations

import json
import math
import unicodedata

import pytest

from helpers.text.numbers import extract_numbers

MIN_PASS_RATE = 0.95
NUMBER_MODEL_KINDS = ("number", "quantity", "date", "period", "ordinal", "percentage_point")


def load_cases(path) -> list[dict]:
    """Spec cases that a Python implementation is expected to pass."""
    cases = json.loads(path.read_text(encoding="utf-8-sig"))
    return [c for c in cases if "python" not in c.get("NotSupported", "").lower()]


def norm_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def same_value(expected: float, got: float) -> bool:
    return math.isclose(expected, got, rel_tol=1e-9, abs_tol=1e-12)


def spec_results(case: dict) -> list[tuple[str, float]]:
    out = []
    for r in case["Results"]:
        value = str(r["Resolution"]["value"]).rstrip("%")
        out.append((norm_text(r["Text"]), float(value)))
    return out


def number_model_results(text: str) -> list[tuple[str, list[float]]]:
    """Our results as the NumberModel sees them: numeral text and acceptable values."""
    out = []
    for n in extract_numbers(text, skip_kinds=()):
        is_fraction = n["kind"] == "percent" and "分" in n["numeral"]
        is_percent_of = n["kind"] == "percent" and n["text"].lstrip().startswith(("百", "佰"))
        if n["kind"] in NUMBER_MODEL_KINDS or is_fraction or is_percent_of:
            out.append((norm_text(n["numeral"]), [n["value"], n["value"] / 100]))
    return out


def percent_model_results(text: str) -> list[tuple[str, list[float]]]:
    return [
        (norm_text(n["text"]), [n["value"]])
        for n in extract_numbers(text)
        if n["kind"] in ("percent", "percentage_point")
    ]


def case_passes(expected: list[tuple[str, float]], got: list[tuple[str, list[float]]]) -> bool:
    if len(expected) != len(got):
        return False
    return all(
        e_text == g_text and any(same_value(e_value, v) for v in g_values)
        for (e_text, e_value), (g_text, g_values) in zip(expected, got, strict=True)
    )


@pytest.mark.shared
@pytest.mark.parametrize(
    ("file_name", "to_results"),
    [
        pytest.param("NumberModel.json", number_model_results, id="NumberModel"),
        pytest.param("PercentModel.json", percent_model_results, id="PercentModel"),
    ],
)
def test_peer_pass_rate(shared_dir, file_name, to_results, capsys):
    cases = load_cases(shared_dir / "peer" / "recognizers-text-zh" / file_name)
    failures = []
    for case in cases:
        got = to_results(case["Input"])
        if not case_passes(spec_results(case), got):
            failures.append(f"  {case['Input']!r}: want {spec_results(case)}, got {got}")
    passed = len(cases) - len(failures)
    rate = passed / len(cases)
    summary = f"{file_name.removesuffix('.json')}: passed {passed}/{len(cases)} ({rate:.1%})"
    with capsys.disabled():
        print("\n" + summary + "\n" + "\n".join(failures))
    assert rate >= MIN_PASS_RATE, summary + "\n" + "\n".join(failures)
