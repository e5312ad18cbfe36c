"""Stage 1, load: read every file under content/ and split it into front matter and body.

Nothing here judges whether a field is right; it only turns bytes into plain Python
values and remembers where every key and value stood, so that later stages can point
at a line. Whatever the bytes are, the result is data plus problems, never an exception.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from frontmatter.default_handlers import YAMLHandler

from generator.core.front_matter import EMPTY, Located, invisible_character, parse_yaml
from generator.core.history import GitHistory
from generator.core.law_sources import LAW_FOLDER, SOURCES_PATH, LawFiles
from generator.core.paths import FOLDERS
from generator.core.problems import Problem, at
from generator.core.schema import INVISIBLE_RE, Kind, id_error

MAX_FILE_BYTES = 1_000_000
TAGS_PATH = PurePosixPath("content/tags.yml")
REDIRECTS_PATH = PurePosixPath("content/redirects.yml")
PAGE_NAMES = ("index", "about")

FM_BOUNDARY = YAMLHandler.FM_BOUNDARY  # python-frontmatter's definition of a '---' line
assert FM_BOUNDARY is not None

@dataclass(frozen=True, slots=True)
class SourceFile:
    """One Markdown file of content/: an entry (kind set) or a hand-written page."""

    path: PurePosixPath
    kind: Kind | None
    id: str
    front: Located
    body: str
    body_line: int  # file line on which body line 0 stands


@dataclass(frozen=True, slots=True)
class Loaded:
    files: tuple[SourceFile, ...]
    tags: Located
    tags_path: PurePosixPath
    problems: tuple[Problem, ...] = field(default=())
    redirects: Located = field(default_factory=lambda: EMPTY)
    # From GitHistory: entry files deleted since they were published, and when each
    # file under content/ last changed.
    unpublished: tuple[PurePosixPath, ...] = ()
    last_changed: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    law: LawFiles = field(default_factory=LawFiles)  # content/law/: the official texts

    @property
    def entries(self) -> tuple[SourceFile, ...]:
        return tuple(f for f in self.files if f.kind is not None)

    @property
    def pages(self) -> tuple[SourceFile, ...]:
        return tuple(f for f in self.files if f.kind is None)


def load(root: Path, history: GitHistory) -> Loaded:
    """Read the knowledge base under `root` (the repository root, holding content/).
    Git is never run here: `history` is read at the edge (`history.read_history`)."""
    content = root / "content"
    problems: list[Problem] = list(history.problems)
    files: list[SourceFile] = []
    markdown, linked = _markdown_files(content)
    if content.is_symlink():
        problems.append(symlink_problem(PurePosixPath("content")))
    problems.extend(symlink_problem(PurePosixPath("content", *parts)) for parts in linked)
    for parts in markdown:
        path = content.joinpath(*parts)
        rel = PurePosixPath("content", *parts)
        if len(parts) == 1:
            kind = None
            if path.stem not in PAGE_NAMES:
                problems.append(
                    at(
                        rel,
                        (1, 1),
                        "misplaced-file",
                        "only index.md and about.md may stand directly in content/",
                        "move entries into offences/, proposals/ or references/",
                    )
                )
                continue
        elif len(parts) == 2 and parts[0] in FOLDERS:
            kind = FOLDERS[parts[0]]
        else:
            problems.append(
                at(
                    rel,
                    (1, 1),
                    "misplaced-file",
                    "this file is not read: entries stand directly in "
                    "content/offences, content/proposals or content/references",
                )
            )
            continue
        source, found = read_source(path, rel, kind)
        problems.extend(found)
        if source is not None:
            files.append(source)

    tags, found = read_yaml_file(root / TAGS_PATH, TAGS_PATH)
    problems.extend(found)
    redirects, found = read_yaml_file(root / REDIRECTS_PATH, REDIRECTS_PATH)
    problems.extend(found)
    law, found = read_law(root)
    problems.extend(found)
    return Loaded(
        tuple(files),
        tags,
        TAGS_PATH,
        tuple(problems),
        redirects,
        history.deleted_entries,
        history.last_changed,
        law,
    )


def _markdown_files(content: Path) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """The path parts, below content/, of every regular Markdown file, in sorted order,
    and of every symbolic link (never followed: it could publish any file of the machine
    that builds a pull request). os.scandir knows each entry's type without another
    system call per file."""
    found: list[tuple[str, ...]] = []
    linked: list[tuple[str, ...]] = []

    def walk(folder: Path, parts: tuple[str, ...]) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_symlink():
                    linked.append((*parts, entry.name))
                    continue
                if entry.is_dir() and not parts and entry.name == LAW_FOLDER.name:
                    continue  # the official texts: read_law
                if entry.is_dir():
                    walk(Path(entry.path), (*parts, entry.name))
                elif entry.is_file() and entry.name.endswith(".md"):
                    found.append((*parts, entry.name))

    if content.is_dir() and not content.is_symlink():
        walk(content, ())
    return sorted(found), sorted(linked)  # the order of paths: part by part


def symlink_problem(rel: PurePosixPath) -> Problem:
    return at(
        rel,
        (1, 1),
        "symlink",
        "this is a symbolic link; the atlas reads only regular files",
        "replace the link with the file itself",
    )


def read_text(path: Path, rel: PurePosixPath) -> tuple[str | None, list[Problem]]:
    """The file's text with BOM and CRLF normalised, or the problem that prevents it."""
    with path.open("rb") as file:
        # Never more than the limit in memory, but no buffer of the limit's size either:
        # allocating a megabyte for each 4 kB file tripled the time spent reading.
        size = min(os.fstat(file.fileno()).st_size, MAX_FILE_BYTES) + 1
        raw = file.read(size)
        if len(raw) == size:  # at the limit, or the file grew since its size was read
            raw += file.read(MAX_FILE_BYTES + 1 - size)
    if len(raw) > MAX_FILE_BYTES:
        size = path.stat().st_size
        return None, [
            at(
                rel,
                (1, 1),
                "file-too-large",
                f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        bad_col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            at(
                rel,
                (bad_line, bad_col),
                "not-utf8",
                f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                "save the file with UTF-8 encoding",
            )
        ]
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if INVISIBLE_RE.search(text) is None:
        return text, []
    problems = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        match = INVISIBLE_RE.search(line)
        if match:
            problems.append(invisible_character(rel, (lineno, match.start() + 1), match.group()))
    return None, problems


def read_source(
    path: Path, rel: PurePosixPath, kind: Kind | None
) -> tuple[SourceFile | None, list[Problem]]:
    """Load one Markdown file: its id, located front matter and body."""
    problems: list[Problem] = []
    # 'index' would take the place of the generated list of its kind.
    problem = id_error(path.stem) if kind is not None else None
    if problem is not None:
        problems.append(
            at(
                rel,
                (1, 1),
                "bad-id",
                problem,
                "use lower-case ASCII letters and digits joined by '-', e.g. art-287-2",
            )
        )
    text, found = read_text(path, rel)
    problems.extend(found)
    if text is None:
        return None, problems

    opening = FM_BOUNDARY.match(text)
    if opening is None:
        if kind is None:  # hand-written pages may go without front matter
            return SourceFile(rel, None, path.stem, EMPTY, text, 1), problems
        problems.append(
            at(
                rel,
                (1, 1),
                "no-front-matter",
                "the file must start with front matter between two '---' lines",
            )
        )
        return None, problems
    closing = FM_BOUNDARY.search(text, opening.end() + 1)
    if closing is None:
        problems.append(
            at(
                rel,
                (1, 1),
                "yaml-syntax",
                "front matter opened with '---' is never closed",
                "add a line '---' after the last field",
            )
        )
        return None, problems

    first_line = text.count("\n", 0, opening.end())  # 0-based line of the YAML text
    front, found = parse_yaml(text[opening.end() : closing.start()], rel, first_line)
    problems.extend(found)
    body_line = text.count("\n", 0, closing.end()) + 1
    if front is None:
        return None, problems
    return SourceFile(rel, kind, path.stem, front, text[closing.end() :], body_line), problems


def read_yaml_file(path: Path, rel: PurePosixPath) -> tuple[Located, list[Problem]]:
    if path.is_symlink():
        return EMPTY, [symlink_problem(rel)]
    if not path.is_file():
        return EMPTY, []
    text, problems = read_text(path, rel)
    if text is None:
        return EMPTY, problems
    located, found = parse_yaml(text, rel, 0)
    return located or EMPTY, problems + found




def read_law(root: Path) -> tuple[LawFiles, list[Problem]]:
    """content/law/: the table sources.yml and every Markdown copy beside it (checked by
    law_sources.check_law in stage 2)."""
    folder = root / LAW_FOLDER
    if folder.is_symlink():
        return LawFiles(), [symlink_problem(LAW_FOLDER)]
    if not folder.is_dir():
        return LawFiles(), []
    sources, problems = read_yaml_file(root / SOURCES_PATH, SOURCES_PATH)
    texts: dict[str, str] = {}
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            rel = LAW_FOLDER / entry.name
            if entry.is_symlink():
                problems.append(symlink_problem(rel))
            elif entry.is_file() and entry.name.endswith(".md"):
                text, found = read_text(Path(entry.path), rel)
                problems.extend(found)
                if text is not None:
                    texts[entry.name] = text
            elif entry.name != SOURCES_PATH.name:
                problems.append(
                    at(
                        rel,
                        (1, 1),
                        "misplaced-file",
                        f"{LAW_FOLDER} holds only sources.yml and the copies of official texts",
                        "move or delete it",
                    )
                )
    return LawFiles(sources, MappingProxyType(texts)), problems
