"""Contributor text is untrusted: every XSS payload is rejected by `atlas check` with file
and line, and none is executable in the built site even when the checker is bypassed."""

from __future__ import annotations

import html.parser
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, MakeKb, atlas, lychee, site_project

from generator.adapters.mkdocs_plugin import ALLOWED_CLASSES

ENTRY_HEAD = """\
---
title: Payload carrier
summary: Carries one payload in its body.
type: report
issuer: [Tester]
year: 2020
reviewed: 2026-01-01
---

"""

BODY_PAYLOADS = {
    "script-tag": "<script>alert(1)</script>",
    "script-inline": "Text <script>alert(1)</script> more",
    "img-onerror": '<img src="x" onerror="alert(1)">',
    "svg-onload": '<svg onload="alert(1)"><circle r="1"/></svg>',
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "style": "<style>body{background:url(javascript:alert(1))}</style>",
    "event-span": 'Hi <span onmouseover="alert(1)">there</span>',
    "comment": "<!-- <script>alert(1)</script> -->",
    "js-link": "[click](javascript:alert(1))",
    "js-link-case": "[click](JaVaScRiPt:alert(1))",
    "js-link-entity": "[click](&#106;avascript:alert(1))",
    "js-link-tab": "[click](java\tscript:alert(1))",
    "data-link": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "js-image": "![x](javascript:alert(1))",
    "data-image": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "js-reference-link": "[click][evil]\n\n[evil]: javascript:alert(1)",
    "js-autolink": "<javascript:alert(1)>",
    "vbscript": "[click](vbscript:msgbox(1))",
}

FRONT_PAYLOADS = {
    "title-html": ('title: "<script>alert(1)</script>"', "title"),
    "summary-html": ('summary: "<img src=x onerror=alert(1)>"', "summary"),
    "alias-html": ('aliases: ["<b onclick=alert(1)>x</b>"]', "aliases"),
    "pinpoint-html": ('sources: [{ref: b, at: "<svg onload=alert(1)>"}]', "sources"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BODY_PAYLOADS))
def test_checker_rejects_body_payload_at_its_line(make_kb: MakeKb, name: str) -> None:
    root = make_kb(
        {
            "tags.yml": "",
            "references/a.md": ENTRY_HEAD + "Intro line.\n\n" + BODY_PAYLOADS[name] + "\n",
        }
    )
    result = atlas("--root", str(root), "check", "--no-history")
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if " error " in line]
    assert lines, result.stdout
    assert all(line.startswith("content/references/a.md:12:") for line in lines), lines
    assert all(re.search(r" error (raw-html|unsafe-url) ", line) for line in lines), lines


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FRONT_PAYLOADS))
def test_checker_rejects_markup_in_front_matter(make_kb: MakeKb, name: str) -> None:
    line, field = FRONT_PAYLOADS[name]
    head = (
        ENTRY_HEAD.replace("title: Payload carrier", line)
        if field == "title"
        else ENTRY_HEAD.replace("summary: Carries one payload in its body.", line)
        if field == "summary"
        else ENTRY_HEAD.replace("reviewed:", line + "\nreviewed:")
    )
    other = ENTRY_HEAD.replace("Payload carrier", "B")
    root = make_kb({"tags.yml": "", "references/a.md": head, "references/b.md": other})
    result = atlas("--root", str(root), "check", "--no-history")
    assert result.returncode == 1
    assert re.search(
        rf"content/references/a.md:\d+:\d+: error invalid-value '{field}", result.stdout
    )


# Classes the site's Markdown and the generator put in page content (the theme's own
# start with 'md-', the atlas's with 'atlas-').
CONTENT_CLASSES = ALLOWED_CLASSES | {"headerlink", "toclink", "admonition-title"}


class _Scan(html.parser.HTMLParser):
    """Collects what could run in a page: scripts, handlers, dangerous URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.foreign: list[str] = []
        self.frames: list[str] = []
        self.content_ids_owned_by_the_theme: list[str] = []
        self.content_classes_not_ours: list[str] = []
        self.article_depth = 0
        # The page content sits in a div of the article; the theme's and the template's
        # own elements (edit buttons, the cite block) are its siblings.
        self.content_depth = 0

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.article_depth -= 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "article":
            self.article_depth += 1
        if tag in ("iframe", "frame", "object", "embed", "base"):
            self.frames.append(tag)
        if self.article_depth:
            ident = values.get("id") or ""
            if ident.startswith("__"):
                self.content_ids_owned_by_the_theme.append(f"{tag}#{ident}")
            for name in (values.get("class") or "").split():
                if not name.startswith(("md-", "atlas-")) and name not in CONTENT_CLASSES:
                    self.content_classes_not_ours.append(f"{tag}.{name}")
        if tag == "script":
            # Inline scripts are the theme's own configuration, outside the content area;
            # none may appear inside it.
            self.scripts.append(
                values.get("src") or ("content" if self.article_depth else "inline")
            )
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}")
            if name in ("href", "src", "action", "formaction") and value:
                # What a browser does before reading the scheme (URL standard): drop tabs
                # and newlines anywhere, strip C0 controls and spaces at both ends.
                compact = re.sub(r"[\t\n\r]", "", value).strip("".join(map(chr, range(33)))).lower()
                if compact.startswith(("javascript:", "vbscript:", "data:")):
                    self.urls.append(f"{tag} {name}={value}")
                # A canonical or alternate <link> names a URL; it loads nothing.
                loads = tag != "link" or values.get("rel") not in ("canonical", "alternate")
                if (
                    (tag in ("script", "link") or name == "src")
                    and loads
                    and re.match(r"^\s*(https?:)?[/\\]{2}", value)
                ):
                    self.foreign.append(f"{tag} {name}={value}")
            if name in ("srcset", "poster", "data", "background") and value:
                self.foreign.append(f"{tag} {name}={value}")


def scan_site(site: Path) -> _Scan:
    scan = _Scan()
    for page in sorted(site.rglob("*.html")):
        scan.feed(page.read_text(encoding="utf-8"))
    return scan


def _theme_script(src: str) -> bool:
    # The theme's own bundles and the project's table script, served from the site itself.
    return src == "inline" or bool(re.match(r"^/?(\.\./)*assets/(javascripts/|atlas\.js$)", src))


def assert_nothing_executable(site: Path) -> None:
    scan = scan_site(site)
    assert scan.handlers == []
    assert scan.urls == []
    assert scan.foreign == []
    assert scan.frames == []
    assert scan.content_ids_owned_by_the_theme == []
    assert scan.content_classes_not_ours == []
    assert all(_theme_script(s) for s in scan.scripts), set(scan.scripts)


@pytest.mark.site
def test_payloads_are_inert_even_when_the_checker_is_bypassed(tmp_path: Path) -> None:
    project = site_project(DATA / "valid_kb" / "content", tmp_path / "p")
    assert atlas("--root", str(project), "generate", "--no-history").returncode == 0
    # Bypass the checker: write hostile pages straight into the docs tree MkDocs builds.
    docs = project / "build/docs"
    hostile = "\n\n".join(BODY_PAYLOADS.values())
    (docs / "hostile.md").write_text("# Hostile\n\n" + hostile + "\n", encoding="utf-8")
    meta = (
        "---\nsummary: '\"><script>alert(1)</script>'\ntitle_zh: '<img src=x onerror=alert(1)>'\n"
        "---\n\n# Meta\n\ntext\n"
    )
    (docs / "meta.md").write_text(meta, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(project / "out")],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (project / "out/hostile/index.html").is_file(), result.stderr
    assert_nothing_executable(project / "out")
    page = (project / "out/meta/index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="&#34;&gt;&lt;script&gt;' in page


def test_shipped_site_runs_only_the_theme_scripts(shipped_site: Path) -> None:
    assert_nothing_executable(shipped_site)


def test_shipped_site_links_and_anchors_resolve(shipped_site: Path) -> None:
    result = lychee(shipped_site)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.site
def test_check_and_build_never_write_under_content(tmp_path: Path) -> None:
    project = site_project(DATA / "valid_kb" / "content", tmp_path / "p")

    def tree() -> dict[str, tuple[int, bytes]]:
        return {
            str(p.relative_to(project)): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted((project / "content").rglob("*"))
            if p.is_file()
        }

    before = tree()
    assert atlas("--root", str(project), "check", "--no-history").returncode == 0
    assert atlas("--root", str(project), "build", "--no-history").returncode == 0
    assert tree() == before
