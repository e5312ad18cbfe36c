"""Where an entry lives: the one rule from a kind and an id to its source file, its page
in the docs tree and its URL. Every other module asks here."""

from __future__ import annotations

from pathlib import PurePosixPath

from generator.core.schema import Kind


def folder(kind: Kind) -> str:
    """The folder of a kind, under content/ and in the site: offences, proposals, references."""
    return f"{kind.value}s"


# Which kind the entries of each folder under content/ are.
FOLDERS: dict[str, Kind] = {folder(kind): kind for kind in Kind}


def source_path(kind: Kind, entry_id: str) -> PurePosixPath:
    """The entry's file in the repository: content/offences/art-287-2.md."""
    return PurePosixPath("content", folder(kind), f"{entry_id}.md")


def page_path(kind: Kind, entry_id: str) -> PurePosixPath:
    """The entry's page in the docs tree MkDocs builds: offences/art-287-2.md."""
    return PurePosixPath(folder(kind), f"{entry_id}.md")


def index_path(kind: Kind) -> PurePosixPath:
    """The generated list of a kind: offences/index.md."""
    return PurePosixPath(folder(kind), "index.md")


def page_url(kind: Kind, entry_id: str, base: str = "") -> str:
    """The entry's URL (MkDocs directory URLs) after `base`, which is a site URL ending in
    '/', a relative prefix such as '../', or '' for a site-relative URL."""
    return f"{base}{folder(kind)}/{entry_id}/"


def redirect_path(kind: Kind, old_id: str) -> PurePosixPath:
    """The static page left at a renamed entry's old URL."""
    return PurePosixPath(folder(kind), old_id, "index.html")


def law_page_path(ref_id: str) -> PurePosixPath:
    """The page of an official text in the docs tree: law/criminal-law.md."""
    return PurePosixPath("law", f"{ref_id}.md")


def law_page_url(ref_id: str, base: str = "") -> str:
    """The URL of an official text's page after `base` (as page_url)."""
    return f"{base}law/{ref_id}/"
