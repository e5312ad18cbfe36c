"""A hostile pull request, class by class (issue "Security and trust II").

Each class is tried twice: through `atlas check`, which must name the problem at its
line, and with the checker bypassed (the knowledge base linked with its errors ignored,
rendered by the real generator and built by the real MkDocs + Material), where the
second wall must leave nothing that runs, loads from elsewhere or rewrites the theme,
as a real browser sees it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from conftest import DATA, REPO, MakeKb, atlas, serve_folder, site_project
from test_security import assert_nothing_executable, scan_site

from generator.adapters.site_build import _ConfigLoader
from generator.core.history import GitHistory
from generator.core.markdown_dialect import EXTENSION_CONFIGS, EXTENSIONS
from generator.core.pipeline import build_knowledge_base
from generator.core.problems import at
from generator.core.schema import id_error
from generator.render.output import UnsafeOutputError, write_tree
from generator.render.pages import render

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog

HEAD = """\
---
title: Carrier
summary: Carries one payload.
type: report
issuer: [Tester]
year: 2020
reviewed: 2026-01-01
---

Intro line.

"""  # the body starts on line 9; a payload after "Intro line." stands on line 12


def check(root: Path) -> subprocess.CompletedProcess[str]:
    return atlas("--root", str(root), "check", "--no-history")


def errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stdout.splitlines() if " error " in line]


# --- paths and names ------------------------------------------------------------------


def test_a_tag_id_with_a_path_is_refused_and_writes_nothing(make_kb: MakeKb) -> None:
    root = make_kb(
        {
            "tags.yml": '"../offences/art-1":\n  label: x\n  description: y\n',
            "references/a.md": HEAD,
        }
    )
    result = check(root)
    assert errors(result) == [
        "content/tags.yml:1:1: error bad-id tag '../offences/art-1' is not a valid id "
        "(hint: use lower-case ASCII letters and digits joined by '-', e.g. personal-data)"
    ]
    build = atlas("--root", str(root), "build", "--no-history")
    assert build.returncode == 1
    assert "Traceback" not in build.stderr
    assert not (root / "build").exists()


def test_the_writer_refuses_any_path_outside_its_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for rel in ("../escaped.md", "/etc/escaped.md", "a/../../escaped.md"):
        with pytest.raises(UnsafeOutputError, match="outside the output folder"):
            write_tree({PurePosixPath(rel): "x"}, out)
    assert not (tmp_path / "escaped.md").exists()
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("shi-2025\n", "'shi-2025\\n' is not a valid id"),
        ("Shi-2025", "'Shi-2025' is not a valid id"),
        ("shı-2025", "'sh\\u0131-2025' is not a valid id"),  # dotless i: folds to 'shi'
        ("con", "'con' is a reserved name and cannot be an id"),
        ("lpt1", "'lpt1' is a reserved name and cannot be an id"),
        ("index", "'index' is a reserved name and cannot be an id"),
        ("a" * 81, "id is 81 characters long; the limit is 80"),
    ],
)
def test_ids_that_cannot_be_files_everywhere_are_refused(value: str, message: str) -> None:
    assert id_error(value) == message


@pytest.mark.slow
@pytest.mark.parametrize("name", ["con", "a" * 300, "index", "x\x1b[2J"])
def test_atlas_new_refuses_unusable_names_without_a_traceback(tmp_path: Path, name: str) -> None:
    (tmp_path / "content").mkdir()
    result = atlas("--root", str(tmp_path), "new", "reference", name)
    assert result.returncode == 2
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert "\x1b" not in result.stderr
    assert list((tmp_path / "content").rglob("*.md")) == []


def test_symbolic_links_under_content_are_reported_never_followed(make_kb: MakeKb) -> None:
    root = make_kb({"references/a.md": HEAD})
    secret = root / "secret.txt"
    secret.write_text("label: leaked\n", encoding="utf-8")
    (root / "content/tags.yml").symlink_to(secret)
    (root / "content/references/b.md").symlink_to(root / "content/references/a.md")
    assert errors(check(root)) == [
        "content/references/b.md:1:1: error symlink this is a symbolic link; the atlas reads "
        "only regular files (hint: replace the link with the file itself)",
        "content/tags.yml:1:1: error symlink this is a symbolic link; the atlas reads only "
        "regular files (hint: replace the link with the file itself)",
    ]


@pytest.mark.slow
def test_generate_never_deletes_files_it_did_not_write(tmp_path: Path) -> None:
    project = site_project(DATA / "valid_kb" / "content", tmp_path / "p")
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes", encoding="utf-8")
    result = atlas("--root", str(project), "generate", "--no-history", "--out", str(out))
    assert result.returncode == 2
    assert "holds files the atlas did not write" in result.stderr
    assert (out / "notes.txt").read_text(encoding="utf-8") == "my notes"
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    # Its own earlier output it does replace, and removes what it no longer makes.
    fresh = tmp_path / "fresh"
    assert (
        atlas("--root", str(project), "generate", "--no-history", "--out", str(fresh)).returncode
        == 0
    )
    (fresh / "offences/gone.md").write_text("stale", encoding="utf-8")
    manifest = fresh / ".atlas-generated"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "offences/gone.md\n", "utf-8")
    assert (
        atlas("--root", str(project), "generate", "--no-history", "--out", str(fresh)).returncode
        == 0
    )
    assert not (fresh / "offences/gone.md").exists()


def test_a_symlinked_build_folder_is_refused(tmp_path: Path) -> None:
    project = site_project(DATA / "valid_kb" / "content", tmp_path / "p")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "docs").mkdir(parents=True)
    (elsewhere / "docs/keep.md").write_text("keep", encoding="utf-8")
    (project / "build").symlink_to(elsewhere)
    result = atlas("--root", str(project), "generate", "--no-history")
    assert result.returncode == 2
    assert "refusing to write through the symbolic link" in result.stderr
    assert sorted(p.name for p in (elsewhere / "docs").iterdir()) == ["keep.md"]


# --- values written into Markdown and other formats -----------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("line", "where"),
    [
        ('publisher: "Press\\rTY  - JOUR"', "U+000D"),
        ('title: "A \\x1b[2J title"', "U+001B"),
        ('title: "Ab\\u202ecd"', "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ('title: "A\\u200bB"', "U+200B ZERO WIDTH SPACE"),
        ('aliases: ["x\\x0cy"]', "U+000C"),
    ],
)
def test_invisible_characters_written_as_yaml_escapes_are_refused(
    make_kb: MakeKb, line: str, where: str
) -> None:
    key = line.split(":")[0]
    head = "\n".join(line if row.startswith(f"{key}:") else row for row in HEAD.splitlines())
    if f"{key}:" not in HEAD:
        head = HEAD.replace("reviewed:", f"{line}\nreviewed:")
    root = make_kb({"tags.yml": "", "references/a.md": head + "\n"})
    result = check(root)
    found = errors(result)
    assert len(found) == 1, result.stdout
    assert found[0].startswith("content/references/a.md:")
    assert f"error control-char invisible character {where}" in found[0]
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout


def test_a_doi_or_url_cannot_inject_markdown_into_the_panel() -> None:
    kb = build_knowledge_base(DATA / "valid_kb", GitHistory.skipped())
    reference = next(e for e in kb.entries.values() if e.kind.value == "reference")
    hostile = reference.meta.model_copy(
        update={
            "doi": "10.1000/x)![t](https://evil.example/t.png",
            "url": "https://e.org/a)[x](javascript:alert(1)",
        }
    )
    entries = {
        **kb.entries,
        reference.id: type(reference)(reference.source, hostile, reference.body),
    }
    page = render(type(kb)(**{**_fields(kb), "entries": entries}))[
        PurePosixPath(f"references/{reference.id}.md")
    ]
    panel = next(line for line in page.splitlines() if "| DOI |" in line)
    assert "](https://doi.org/10.1000/x%29%21%5Bt%5D%28https://evil.example/t.png)" in panel
    online = next(line for line in page.splitlines() if "| Online |" in line)
    assert "](https://e.org/a%29%5Bx%5D%28javascript:alert%281%29)" in online


def _fields(kb: Any) -> dict[str, Any]:
    return {name: getattr(kb, name) for name in kb.__dataclass_fields__}


# --- resources ----------------------------------------------------------------------

PATHOLOGICAL_BODIES = {
    "link-openers": "](" * 60_000,
    "brackets": "[" * 16_000,
    "brackets-spread": ("[a](" * 190 + "\n\n") * 50,
    "list-markers": "- " * 5_000 + "x",
    "nested-list": "".join("    " * i + "- x\n" for i in range(300)),
    "quotes": ">" * 5_000 + " x",
    "emphasis": "*" * 5_000 + "a" + "*" * 5_000,
    "long-line": "word " * 150_000,
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PATHOLOGICAL_BODIES))
def test_pathological_bodies_are_refused_quickly_without_a_traceback(
    make_kb: MakeKb, name: str
) -> None:
    root = make_kb({"tags.yml": "", "references/a.md": HEAD + PATHOLOGICAL_BODIES[name] + "\n"})
    # A hang detector, not a speed target: the bound is 10 s on 2 cores.
    result = subprocess.run(
        [sys.executable, "-m", "generator.tools.cli", "--root", str(root), "check", "--no-history"],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    found = errors(result)
    assert len(found) == 1 and " error body-too-complex the body is not read: " in found[0], found


@pytest.mark.parametrize("depth", [500, 100_000])
def test_deep_yaml_is_refused_before_the_parser(make_kb: MakeKb, depth: int) -> None:
    head = HEAD.replace("title: Carrier", "title: " + "[" * depth + "x" + "]" * depth)
    root = make_kb({"tags.yml": "", "references/a.md": head})
    result = subprocess.run(
        [sys.executable, "-m", "generator.tools.cli", "--root", str(root), "check", "--no-history"],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert result.returncode == 1, result.stderr  # a crash of libyaml would be -11
    assert errors(result) == [
        "content/references/a.md:2:27: error yaml-too-deep front matter is nested more than "
        "20 levels deep (hint: entries need two or three levels at most: check the brackets "
        "and indentation)"
    ]


# --- operations ---------------------------------------------------------------------


@pytest.mark.site
def test_a_build_killed_mid_swap_does_not_break_later_builds(tmp_path: Path) -> None:
    project = site_project(DATA / "valid_kb" / "content", tmp_path / "p")
    (project / "site.old").mkdir()
    (project / "site.old/left.html").write_text("left by a killed build", encoding="utf-8")
    result = atlas("--root", str(project), "build", "--no-history")
    assert result.returncode == 0, result.stderr
    assert (project / "site/index.html").is_file()
    assert not (project / "site.old").exists()


def test_atlas_mv_with_a_folder_in_the_way_changes_nothing(tmp_path: Path) -> None:
    project = site_project(DATA / "valid_kb" / "content", tmp_path / "p")
    entry = next((project / "content/references").glob("*.md"))
    (entry.parent / "taken.md").mkdir()
    before = {p: p.read_bytes() for p in (project / "content").rglob("*") if p.is_file()}
    result = atlas("--root", str(project), "mv", entry.stem, "taken")
    assert result.returncode == 1
    assert result.stderr == (
        "atlas mv: content/references/taken.md is in the way (a file or folder of that name "
        "exists); nothing was changed\n"
    )
    assert {p: p.read_bytes() for p in (project / "content").rglob("*") if p.is_file()} == before


# --- the checker bypassed: a real build in a real browser ---------------------------

ATTRIBUTE_PAYLOADS = {
    "config-paragraph": '{"features": ["content.tooltips"], "search": "https://evil.example/x.js"}\n'
    '{: id="__config" }',
    "heading-id": "## Search {: #__search }",
    "class": "Text\n{: .md-search__input onclick=alert(1) }",
    "escaped-heading-id": "## \\_\\_config",
    # No heading to CommonMark, a heading with the id '__config' to Python-Markdown.
    "unspaced-heading-id": "#__config",
    "admonition-class": '!!! danger md-header "Look"\n    inside',
}
DIALECT_PAYLOADS = {
    "reference-in-paragraph": "Text\n[evil]: javascript:alert(1)\nmore [x][evil]",
    "attribute-href": '[ok](https://example.org){: href="javascript:alert(1)" }',
    "outer-link": "[a [b](https://example.org) c](javascript:alert(1))",
}
FOREIGN_PAYLOADS = {
    "image": "![t](https://evil.example/track.png)",
    "image-protocol-relative": "![t](//evil.example/track.png)",
    # CommonMark reads '\\/' as an escaped '/', a path on the site; Python-Markdown keeps
    # the backslash, and a browser reads '\\/' as '//': another host.
    "image-backslash": "![t](\\/evil.example/track.png)",
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "code"),
    [
        (n, "markdown-attribute")
        for n in ATTRIBUTE_PAYLOADS
        if "heading-id" not in n or "{" in ATTRIBUTE_PAYLOADS[n]
    ]
    + [("escaped-heading-id", "reserved-anchor"), ("unspaced-heading-id", "reserved-anchor")]
    + [(n, "unsafe-url") for n in DIALECT_PAYLOADS]
    + [
        ("image", "external-image"),
        ("image-protocol-relative", "unsafe-url"),
        ("image-backslash", "unsafe-url"),
    ],
)
def test_the_checker_reads_bodies_as_the_site_renders_them(
    make_kb: MakeKb, name: str, code: str
) -> None:
    payload = {**ATTRIBUTE_PAYLOADS, **DIALECT_PAYLOADS, **FOREIGN_PAYLOADS}[name]
    root = make_kb({"tags.yml": "", "references/a.md": HEAD + payload + "\n"})
    found = errors(check(root))
    assert found, name
    assert any(f" error {code} " in line for line in found), found
    assert all(line.startswith("content/references/a.md:1") for line in found), found


SECOND_FRONT_MATTER = (
    '---\ntitle: Home\n---\n---\ntitle: "\\x3cimg src=x onerror=alert(1)\\x3e"\n'
    "template: redirect.html\nlocation: javascript:alert(1)\n---\n\n# Welcome\n\nText.\n"
)


def test_a_second_front_matter_block_is_refused(make_kb: MakeKb) -> None:
    root = make_kb({"tags.yml": "", "index.md": SECOND_FRONT_MATTER})
    assert errors(check(root)) == [
        "content/index.md:4:1: error second-front-matter a second '---' block follows the "
        "front matter (hint: merge its fields into the first block, or delete the '---' line)"
    ]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small knowledge base with every payload above in it, checker bypassed."""
    project = site_project(DATA / "valid_kb" / "content", tmp_path_factory.mktemp("h") / "p")
    payloads = {**ATTRIBUTE_PAYLOADS, **DIALECT_PAYLOADS, **FOREIGN_PAYLOADS}
    for name, payload in payloads.items():
        text = HEAD.replace("Carrier", f"Carrier {name}") + payload + "\n"
        (project / f"content/references/hostile-{name}.md").write_text(text, encoding="utf-8")
    (project / "content/index.md").write_text(SECOND_FRONT_MATTER, encoding="utf-8")
    # A hand-written page's first heading becomes its title, which Material's header
    # prints unescaped: it must reach the theme as escaped text.
    (project / "content/about.md").write_text(
        "---\ntitle: About\n---\n\n# &lt;img src=x onerror=alert(1)&gt; About\n\nText.\n",
        encoding="utf-8",
    )
    kb = build_knowledge_base(project, GitHistory.skipped())
    assert kb.problems, "the payloads must be ones the checker rejects"
    write_tree(render(kb), project / "build/docs")  # the first wall bypassed
    site = project / "out"
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)],
        cwd=project,
        check=True,
        capture_output=True,
        env={**os.environ, "ATLAS_NO_HISTORY": "1"},
        timeout=300,
    )
    return site


@pytest.mark.site
def test_the_second_wall_leaves_nothing_that_runs_or_loads(hostile_site: Path) -> None:
    assert_nothing_executable(hostile_site)
    scan = scan_site(hostile_site)
    assert scan.content_ids_owned_by_the_theme == []
    assert scan.content_classes_not_ours == []
    home = (hostile_site / "index.html").read_text(encoding="utf-8")
    # The second block reached MkDocs as text, not as metadata: no redirect template, no
    # title from it; it shows inert on the page.
    assert 'http-equiv="refresh"' not in home
    assert "<title>Cyberlaw Atlas</title>" in home
    assert "onerror=alert(1)\\x3e" in home  # the YAML escape, shown as written


@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    with serve_folder(hostile_site) as url:
        yield url


@pytest.mark.browser
def test_no_payload_runs_or_reaches_another_host_in_chromium(
    browser: Browser, hostile_url: str, hostile_site: Path
) -> None:
    pages = [
        "",
        "about/",
        *(
            f"references/hostile-{n}/"
            for n in {**ATTRIBUTE_PAYLOADS, **DIALECT_PAYLOADS, **FOREIGN_PAYLOADS}
        ),
    ]
    context = browser.new_context()
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    dialogs: list[str] = []

    def record_and_dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    for path in pages:
        page = context.new_page()
        page.on("dialog", record_and_dismiss)
        page.goto(f"{hostile_url}/{path}")
        page.wait_for_load_state("networkidle")
        # The theme's configuration is its own, once; the search still works from it.
        assert page.locator("#__config").count() == 1, path
        config = page.evaluate("JSON.parse(document.getElementById('__config').textContent)")
        assert "content.tooltips" not in config.get("features", []), path
        assert str(config.get("search", "")).startswith("../") or "evil" not in str(config)
        for link in page.locator("article a[href]").all():
            assert not (link.get_attribute("href") or "").lower().startswith("javascript:")
        page.close()
    context.close()
    assert dialogs == []
    assert [u for u in requested if not u.startswith(hostile_url)] == []


def test_the_checker_parses_with_the_extensions_the_site_is_built_with() -> None:
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)
    names = [next(iter(e)) if isinstance(e, dict) else e for e in config["markdown_extensions"]]
    assert tuple(names) == EXTENSIONS
    toc = next(e["toc"] for e in config["markdown_extensions"] if isinstance(e, dict))
    assert toc["permalink"] == EXTENSION_CONFIGS["toc"]["permalink"]
    assert "pymdownx.slugs.slugify" in (REPO / "mkdocs.yml").read_text(encoding="utf-8")


def test_problem_output_never_carries_terminal_escapes() -> None:
    problem = at(
        "content/a.md", (1, 1), "control-char", "value 'x\x1b[2J\x1b[Hatlas check: no problems'"
    )
    assert problem.text() == (
        "content/a.md:1:1: error control-char value 'x\\u001b[2J\\u001b[Hatlas check: no problems'"
    )
    assert "\x1b" not in problem.github()
