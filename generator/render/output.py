"""Writing a docs tree to disk: only inside its folder, never through a link, and
deleting only what an earlier write of the atlas put there."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

# The files the last write put in an output folder: only those are ever deleted from it.
MANIFEST = ".atlas-generated"


class UnsafeOutputError(ValueError):
    """A write that would land outside its folder or delete what the atlas did not write."""


def check_tree_paths(tree: Mapping[PurePosixPath, str]) -> None:
    """Every path of the tree stays inside the folder it is written to."""
    for rel in tree:
        if rel.is_absolute() or ".." in rel.parts or not rel.parts or rel.name == MANIFEST:
            raise UnsafeOutputError(f"refusing to write {str(rel)!r}: outside the output folder")


def read_manifest(out_dir: Path) -> set[PurePosixPath] | None:
    """The paths the last write recorded, or None when the folder holds no manifest."""
    manifest = out_dir / MANIFEST
    if manifest.is_symlink() or not manifest.is_file():
        return None
    return {PurePosixPath(line) for line in manifest.read_text(encoding="utf-8").splitlines()}


def write_manifest(out_dir: Path, paths: Iterable[PurePosixPath]) -> None:
    text = "".join(f"{p}\n" for p in sorted(paths))
    manifest = out_dir / MANIFEST
    manifest.unlink(missing_ok=True)  # never written through a link left in its place
    manifest.write_text(text, encoding="utf-8")


def _walk(folder: Path) -> tuple[set[Path], set[Path]]:
    """The regular files and the symbolic links below `folder`, in one walk: scandir knows
    each entry's type without a stat (or a mkdir) per file."""
    files: set[Path] = set()
    links: set[Path] = set()
    with os.scandir(folder) as entries:
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink():
                links.add(path)
            elif entry.is_dir():
                more_files, more_links = _walk(path)
                files |= more_files
                links |= more_links
            elif entry.is_file():
                files.add(path)
    return files, links


def write_tree(tree: Mapping[PurePosixPath, str], out_dir: Path) -> int:
    """Write the tree to `out_dir`, touching only files whose text changed (so a watching
    server sees one change, not a storm) and removing the files the previous write made
    that are no longer generated. A folder that holds files but no manifest is refused:
    those files are not ours to delete. Returns the number of files written or removed."""
    check_tree_paths(tree)
    out_dir.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(out_dir)
    existing, links = _walk(out_dir)
    existing.discard(out_dir / MANIFEST)
    if previous is None and (existing or links):
        raise UnsafeOutputError(
            f"refusing to write into {out_dir}: it holds files the atlas did not write "
            "(no manifest); empty it or choose another folder"
        )
    ours = {out_dir / p for p in previous or ()}
    for link in links:  # a link in the output would send a write to its target
        if link not in ours:
            raise UnsafeOutputError(f"refusing to write through the symbolic link {link}")
        link.unlink()
    folders = {out_dir}
    changed = 0
    wanted: set[Path] = set()
    for rel, text in tree.items():
        target = out_dir / rel
        wanted.add(target)
        data = text.encode("utf-8")
        if target in existing and target.read_bytes() == data:
            continue
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        target.write_bytes(data)
        changed += 1
    for stale in sorted((existing & ours) - wanted):
        stale.unlink()
        changed += 1
    write_manifest(out_dir, tree)
    return changed
