"""The Python lock files (requirements/*.txt, installed with their hashes by
scripts/setup.sh) agree with pyproject.toml: a dependency added or narrowed there without
locking again fails here, before a venue installs something nobody tested."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCKS = {"app.txt": [], "cluster.txt": ["postgres", "redis"], "dev.txt": ["dev"]}


def _pins(lock: str) -> dict[str, tuple[str, str]]:
    """name -> (version, the entry's text) for every pinned package of a lock file."""
    text = (ROOT / "requirements" / lock).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text)
    return {canonicalize_name(m.group(1)): (m.group(2), entry) for entry in entries
            if (m := re.match(r"([A-Za-z0-9_.\-]+)==([^\s;\\]+)", entry))}


def _wanted(extras: list[str]) -> list[Requirement]:
    """What pyproject asks for with these extras, the project's own extras unfolded."""
    wanted, todo = [], list(extras)
    requirements = [Requirement(r) for r in PROJECT["dependencies"]]
    while todo:
        requirements += [Requirement(r) for r in
                         PROJECT["optional-dependencies"][todo.pop()]]
    for requirement in requirements:
        if canonicalize_name(requirement.name) == "facilitator":
            todo.extend(requirement.extras)
            requirements += [Requirement(r) for extra in requirement.extras
                             for r in PROJECT["optional-dependencies"][extra]]
        else:
            wanted.append(requirement)
    return wanted


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_dependency_is_locked_with_a_version_pyproject_allows(lock):
    pins = _pins(lock)
    for requirement in _wanted(LOCKS[lock]):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements/{lock}"
        version, entry = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements/{lock} pins {name}=={version}, outside {requirement.specifier}")
        assert "--hash=sha256:" in entry, f"{name} has no hash in requirements/{lock}"
