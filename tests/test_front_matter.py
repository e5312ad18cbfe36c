"""The YAML node walker reads the same values as PyYAML's own safe loader, on realistic
front matter: every real content file, and generated ones."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st

from generator.core.front_matter import parse_yaml, thaw
from generator.core.load import FM_BOUNDARY


def _front(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    opening = FM_BOUNDARY.match(text)
    assert opening is not None, path
    closing = FM_BOUNDARY.search(text, opening.end() + 1)
    assert closing is not None, path
    return text[opening.end() : closing.start()]


# Hand-written pages may go without front matter.
REAL = [
    p for p in sorted((REPO / "content").rglob("*.md")) if FM_BOUNDARY.match(p.read_text("utf-8"))
]


@pytest.mark.parametrize("path", REAL, ids=lambda p: str(p.relative_to(REPO)))
def test_the_walker_reads_every_real_front_matter_as_pyyaml_does(path: Path) -> None:
    text = _front(path)
    located, problems = parse_yaml(text, PurePosixPath("x.md"), 0)
    assert problems == []
    assert located is not None
    assert thaw(located.data) == yaml.safe_load(text)


_scalars = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.none(),
    st.dates(),
)
_values: Any = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), inner, max_size=4),
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), _values, max_size=8))
def test_the_walker_reads_generated_front_matter_as_pyyaml_does(data: dict[str, Any]) -> None:
    for style in (False, None):  # block style, and PyYAML's mixed default
        text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=style)
        located, problems = parse_yaml(text, PurePosixPath("x.md"), 0)
        expected = yaml.safe_load(text)
        if problems:  # invisible characters are refused, never read differently
            assert [p.code for p in problems] == ["control-char"] or located is None
            continue
        assert located is not None
        assert thaw(located.data) == (expected if expected is not None else {})
