"""Property: whatever bytes a content file holds, loading, validating and linking give a
list of problems, never an exception. `make fuzz` runs 10,000 examples of each."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.core.history import GitHistory
from generator.core.pipeline import build_knowledge_base
from generator.core.problems import RULES

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("ATLAS_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

VALID = (
    '---\ntitle: T\ntitle_zh: 罪\nsummary: S\narticle: "1"\nchapter: 6\n'
    "max_penalty: fixed-term imprisonment\nmax_years: 3\nunit_liability: true\n"
    "sources: [{ref: r, at: '§1'}]\nreviewed: 2026-01-01\n---\n\n"
    "## Elements\n\n[x](../references/r.md)\n"
)
YAML_BITS = [
    "---\n",
    ": ",
    "- ",
    "&a ",
    "*a",
    "!!python/object:os.system ",
    "\ufeff",
    "\r\n",
    "\x00",
    "{",
    "[",
    "'",
    '"',
    "2025-02-30",
    "<script>",
    "](javascript:x)",
    "\t",
    "\n  ",
]


def check_file(data: bytes) -> None:
    root = Path(tempfile.mkdtemp())
    try:
        (root / "content/offences").mkdir(parents=True)
        (root / "content/offences/art-1.md").write_bytes(data)
        kb = build_knowledge_base(root, GitHistory.skipped())
        assert all(p.code in RULES for p in kb.problems)
    finally:
        shutil.rmtree(root)


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes_give_problems_not_exceptions(data: bytes) -> None:
    check_file(data)


@FUZZ
@given(
    st.lists(st.sampled_from(YAML_BITS) | st.text(max_size=8), max_size=40),
    st.integers(0, len(VALID)),
)
def test_mangled_valid_entries_give_problems_not_exceptions(bits: list[str], cut: int) -> None:
    check_file((VALID[:cut] + "".join(bits) + VALID[cut:]).encode("utf-8", "surrogatepass"))
