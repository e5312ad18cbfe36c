"""`atlas mv OLD NEW`: rename an entry, rewrite every reference to it, record a redirect.

Every new file text is computed first; then all files are written, or, if anything
fails, every file is put back as it was.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.core.body import parse_body
from generator.core.history import GitHistory
from generator.core.link import references_in, resolve_link
from generator.core.load import REDIRECTS_PATH, SourceFile, load, read_text
from generator.core.schema import id_error


class RenameError(Exception):
    """The rename cannot be done; nothing was changed."""


@dataclass(frozen=True, slots=True)
class RenamePlan:
    texts: dict[Path, str]  # files to (re)write, with their new text
    move: tuple[Path, Path]  # the entry file: from, to


def plan_rename(root: Path, old: str, new: str) -> RenamePlan:
    problem = id_error(new)
    if problem is not None:
        raise RenameError(f"{problem}: lower-case letters and digits joined by '-'")
    loaded = load(root, GitHistory.skipped())  # only the files and redirects are needed
    by_id = {s.id: s for s in loaded.entries}
    if old not in by_id:
        raise RenameError(f"no entry has the id '{old}'")
    if new.casefold() in {i.casefold() for i in by_id} or new in loaded.redirects.data:
        raise RenameError(f"the id '{new}' is already taken")
    if loaded.problems and any(p.path in (str(REDIRECTS_PATH),) for p in loaded.problems):
        raise RenameError("content/redirects.yml has problems; run atlas check first")
    source = by_id[old]
    old_path = PurePosixPath(str(source.path))
    new_path = old_path.with_name(f"{new}.md")
    if os.path.lexists(root / new_path):
        raise RenameError(f"{new_path} is in the way (a file or folder of that name exists)")

    texts: dict[Path, str] = {}
    for file in loaded.files:
        text = _rewritten(root, file, old, new, str(old_path), new_path.name)
        if text is not None:
            texts[root / file.path] = text
    moved_from = root / old_path
    if moved_from not in texts:
        text, problems = read_text(moved_from, old_path)
        if text is None:
            raise RenameError(problems[0].text())
        texts[moved_from] = text
    texts[root / new_path] = texts.pop(moved_from)
    texts[root / REDIRECTS_PATH] = _redirects_text(root, loaded.redirects.data, old, new)
    return RenamePlan(texts, (moved_from, root / new_path))


def _rewritten(
    root: Path, file: SourceFile, old: str, new: str, old_path: str, new_name: str
) -> str | None:
    text, _ = read_text(root / file.path, file.path)
    if text is None:
        return None
    lines = text.split("\n")
    edits: list[tuple[int, int, str, str]] = []  # line index, column index, old, new
    link_edits: set[tuple[int, str, str]] = set()  # line index, old target, new target
    if file.kind is not None:
        for _spec, value, key_path in references_in(file):
            if value == old:
                line, col = file.front.value_pos(key_path)
                offset = 1 if lines[line - 1][col - 1 : col] in ("'", '"') else 0
                edits.append((line - 1, col - 1 + offset, old, new))
    for link in parse_body(file.body).links:
        resolved = resolve_link(file.path, link.url)
        if resolved and resolved[0] == old_path:
            line = file.body_line + link.line - 1
            link_edits.add((line, link.url, link.url.replace(f"{old}.md", new_name, 1)))
    if not edits and not link_edits:
        return None
    # A link target is rewritten wherever it stands as one on its line: after '(' or '<',
    # or in a reference definition. Two links to the same entry on one line share a
    # column as the body reader reports it.
    for line, before, after in sorted(link_edits):
        pattern = re.compile(r"(?:(?<=[(<])|(?<=\]: ))" + re.escape(before) + r"(?=[)>\s]|$)")
        current, count = pattern.subn(after.replace("\\", "\\\\"), lines[line])
        if not count:
            raise RenameError(f"{file.path}:{line + 1}: could not find '{before}' to rewrite")
        lines[line] = current
    # Right to left within a line, so earlier columns stay valid.
    for line, col, before, after in sorted(edits, reverse=True):
        current = lines[line]
        if current[col : col + len(before)] != before:
            raise RenameError(f"{file.path}:{line + 1}: could not find '{before}' to rewrite")
        lines[line] = current[:col] + after + current[col + len(before) :]
    return "\n".join(lines)


def _redirects_text(root: Path, current: object, old: str, new: str) -> str:
    path = root / REDIRECTS_PATH
    head = "# Old id: new id. Written by `atlas mv`; keeps published URLs working.\n"
    text = path.read_text(encoding="utf-8") if path.is_file() else head
    if not text.endswith("\n"):
        text += "\n"
    # Earlier redirects to the old id now point straight at the new one: no chains.
    lines = [
        line.replace(f": {old}", f": {new}") if line.rstrip().endswith(f": {old}") else line
        for line in text.split("\n")
    ]
    return "\n".join(lines).rstrip("\n") + f"\n{old}: {new}\n"


def apply_rename(plan: RenamePlan) -> None:
    """Write every file or none: originals are kept in memory, and whatever was replaced
    is restored on failure, which is reported as a RenameError."""
    try:
        originals = {path: path.read_bytes() for path in plan.texts if path.exists()}
        originals[plan.move[0]] = plan.move[0].read_bytes()
    except OSError as error:
        raise RenameError(f"could not read {error.filename}: {error.strerror}") from None
    staged: list[tuple[Path, Path]] = []
    replaced: list[Path] = []
    try:
        for path, text in plan.texts.items():
            temp = path.with_name(f".{path.name}.atlas-mv")
            staged.append((temp, path))
            temp.write_text(text, encoding="utf-8")
        for temp, path in staged:
            temp.replace(path)
            replaced.append(path)
        plan.move[0].unlink()
    except BaseException as error:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        for path in replaced:
            if path in originals:
                path.write_bytes(originals[path])
            else:
                path.unlink(missing_ok=True)
        if isinstance(error, OSError):
            where = error.filename or plan.move[0]
            raise RenameError(f"could not write {where}: {error.strerror or error}") from None
        raise
        raise
