"""The lock files hold every package pyproject.toml asks for, at a version its range allows, each with hashes:
a dependency added to pyproject.toml without `make lock` fails here, not on a clean machine."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;\\]+)")


def locked(name: str) -> dict[str, str]:
    """{package: version} of a lock file, refusing any pin without a hash."""
    lines = (ROOT / "requirements" / name).read_text().splitlines()
    found = {}
    for number, line in enumerate(lines):
        match = PIN.match(line)
        if match:
            follows = lines[number + 1].strip() if number + 1 < len(lines) else ""
            assert follows.startswith("--hash=sha256:"), f"{name} line {number + 1}: {match[1]} has no hash"
            found[canonicalize_name(match[1])] = match[2]
    return found


@pytest.mark.parametrize(("lock", "requirements"), [
    ("prod.txt", PROJECT["dependencies"]),
    ("dev.txt", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
])
def test_every_requirement_is_locked_within_its_range(lock, requirements):
    pins = locked(lock)
    for text in requirements:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is in pyproject.toml but not in requirements/{lock}: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements/{lock} pins {requirement.name} {pins[name]}, outside {requirement.specifier}: "
            "run make lock")


def test_the_production_lock_holds_no_test_tools():
    assert not {"pytest", "playwright", "schemathesis", "uv"} & set(locked("prod.txt"))


def test_django_stays_on_the_lts():
    assert locked("prod.txt")["django"].startswith("5.2.")
