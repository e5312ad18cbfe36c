"""The locks install exactly what pyproject.toml pins, every file checked by its hash.

Read from the files alone (no network, no installed metadata), so a pin edited in
pyproject.toml without `make lock` fails here.
"""

import string
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
SHA256 = "--hash=sha256:"
LOCKS = ["requirements.lock", "requirements-bootstrap.lock", "requirements-uv.lock"]


def entries(name: str) -> dict[str, tuple[str, list[str]]]:
    """Each requirement of a lock: canonical name -> (version, its sha256 hashes)."""
    text = (ROOT / name).read_text(encoding="utf-8").replace("\\\n", " ")
    found: dict[str, tuple[str, list[str]]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        spec, *options = line.split()
        assert not spec.startswith("-"), f"{name}: {line!r} is an option, not a pinned requirement"
        assert spec.count("==") == 1, f"{name}: {spec} is not pinned with =="
        project, version = spec.split("==")
        key = canonicalize_name(project)
        assert key not in found, f"{name}: {project} appears twice"
        assert all(o.startswith("--hash=") for o in options), f"{name}: {line!r}"
        hashes = [o.removeprefix(SHA256) for o in options if o.startswith(SHA256)]
        found[key] = (version, hashes)
    return found


def pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)


def pins(requirements: list[str]) -> dict[str, str]:
    """name -> version of requirements that must each be pinned with a single ==."""
    result: dict[str, str] = {}
    for text in requirements:
        req = Requirement(text)
        (spec,) = req.specifier
        assert spec.operator == "==", f"{text} is not pinned with =="
        result[canonicalize_name(req.name)] = spec.version
    return result


@pytest.mark.parametrize("name", LOCKS)
def test_every_requirement_is_pinned_with_a_sha256_hash(name: str) -> None:
    found = entries(name)
    assert found, f"{name} pins nothing"
    for project, (_, hashes) in found.items():
        assert hashes, f"{name}: {project} has no --hash=sha256:"
        for h in hashes:
            assert len(h) == 64 and set(h) <= set(string.hexdigits), f"{name}: {project} {h}"


@pytest.mark.parametrize("name", LOCKS)
def test_no_pre_release(name: str) -> None:
    for project, (version, _) in entries(name).items():
        assert not Version(version).is_prerelease, f"{name}: {project}=={version}"


def test_direct_dependencies_are_locked_at_the_pyproject_pins() -> None:
    project = pyproject()["project"]
    direct = pins(project["dependencies"] + project["optional-dependencies"]["test"])
    lock = entries("requirements.lock")
    for name, version in direct.items():
        assert name in lock, f"{name} is in pyproject.toml but not in requirements.lock"
        assert lock[name][0] == version, f"pyproject pins {name}=={version}, lock {lock[name][0]}"


def test_build_backend_is_pinned_and_locked() -> None:
    build = pins(pyproject()["build-system"]["requires"])
    assert "setuptools" in build
    lock = entries("requirements.lock")
    bootstrap = entries("requirements-bootstrap.lock")
    for name, version in build.items():
        assert lock[name][0] == version, f"build-system pins {name}=={version}"
        assert bootstrap[name] == lock[name]
    # What setup installs first (pip and the backend) is part of the full lock, same hashes.
    assert set(bootstrap) == {"pip", *build}
    assert bootstrap["pip"] == lock["pip"]
