"""environment.yml (for conda users) lists exactly pyproject's dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from helpers.core.paths import PROJ_ROOT

SPEC_RE = re.compile(r"^([A-Za-z0-9_.\-]+)\s*(.*)$")


def _normalise(spec: str) -> tuple[str, str]:
    name, rest = SPEC_RE.match(spec.strip()).groups()
    return re.sub(r"[-_.]+", "-", name).lower(), rest.replace(" ", "")


def pyproject_specs() -> set[tuple[str, str]]:
    meta = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = meta["dependencies"] + meta["optional-dependencies"]["dev"]
    return {_normalise(s) for s in specs}


def environment_specs() -> set[tuple[str, str]]:
    env = yaml.safe_load((PROJ_ROOT / "environment.yml").read_text(encoding="utf-8"))
    specs: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            specs += [s for s in dep["pip"] if not s.startswith("-")]
        elif dep != "pip" and not dep.startswith("python="):
            specs.append(dep)
    return {_normalise(s) for s in specs}


def test_environment_yml_matches_pyproject():
    assert environment_specs() == pyproject_specs()


def test_environment_pins_python_311():
    env = yaml.safe_load((PROJ_ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "python=3.11" in env["dependencies"]


def test_html_cleaner_is_declared_in_both():
    # NOTE: lxml >= 5.2 moved lxml.html.clean (needed by trafilatura) into its own package.
    for specs in (pyproject_specs(), environment_specs()):
        assert "lxml-html-clean" in {name for name, _ in specs}
