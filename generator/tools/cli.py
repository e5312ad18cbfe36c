"""The `atlas` command: check, generate, build, schema, new.

Exit codes: 0 clean, 1 problems in content (or a failed build), 2 usage error.
History that cannot be read is a problem (exit 1); `--no-history` skips it on request
and says so on stderr, without failing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from generator.adapters.gc_policy import cyclic_gc_paused
from generator.adapters.git_history import NO_HISTORY_ENV, read_history, skipped_notice
from generator.adapters.site_build import (
    DOCS_DIR,
    ContentError,
    build_site,
    generate,
    prepare_serve,
    serve_command,
)
from generator.core.history import GitHistory
from generator.core.paths import source_path
from generator.core.pipeline import build_knowledge_base
from generator.core.problems import Problem, Severity, summary_line, to_json
from generator.core.schema import Kind, id_error, json_schema
from generator.tools.derived_docs import generated_files
from generator.tools.move import RenameError, apply_rename, plan_rename
from generator.tools.new_entry import new_entry_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="atlas", description="Cyberlaw Atlas content tools")
    parser.add_argument(
        "--root",
        type=Path,
        default=Path.cwd(),
        help="repository root holding content/ (default: current folder)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    history = argparse.ArgumentParser(add_help=False)
    history.add_argument(
        "--no-history",
        action="store_true",
        help="do not read git history (skips missing-redirect; dates fall back to reviewed)",
    )

    check = commands.add_parser(
        "check", parents=[history], help="validate the whole knowledge base"
    )
    check.add_argument("--format", choices=["text", "github", "json"], default="text")
    check.add_argument(
        "--strict",
        action="store_true",
        help="fail on warnings too (CI passes it); without it only errors fail",
    )

    gen = commands.add_parser(
        "generate", parents=[history], help="render the docs tree MkDocs builds"
    )
    gen.add_argument("--out", type=Path, default=None, help=f"default: {DOCS_DIR}")

    build = commands.add_parser(
        "build", parents=[history], help="build the static site (strict) into site/"
    )
    build.add_argument("--site-dir", type=Path, default=None, help="default: site")

    serve = commands.add_parser(
        "serve",
        parents=[history],
        help="serve the site, rebuilding the pages an edit under content/ changes",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

    schema = commands.add_parser("schema", help="print the JSON Schema of an entry kind")
    schema.add_argument("kind", choices=[k.value for k in Kind])

    docs = commands.add_parser(
        "docs", help="rewrite the files derived from the schema (schemas/, CONTRIBUTING.md)"
    )
    docs.add_argument("--check", action="store_true", help="only report drift; exit 1 if any")


    move = commands.add_parser("mv", help="rename an entry, rewrite references, keep its old URL")
    move.add_argument("old")
    move.add_argument("new")

    new = commands.add_parser("new", help="start a new entry from the template")
    new.add_argument("kind", choices=[k.value for k in Kind])
    new.add_argument("id")

    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    if args.command != "schema" and not (root / "content").is_dir():
        print(f"atlas: no content/ folder under {root}", file=sys.stderr)
        return 2
    handler = {
        "check": _check,
        "generate": _generate,
        "build": _build,
        "serve": _serve,
        "schema": _schema,
        "docs": _docs,
        "new": _new,
        "mv": _mv,
    }[args.command]
    return handler(root, args)


def _history(root: Path, args: argparse.Namespace) -> GitHistory:
    """The git history the command's rules need, read here at the edge. Skipped only on
    request, and never silently: stderr, so that stdout stays the command's own output."""
    if not args.no_history:
        return read_history(root)
    print(skipped_notice().text(), file=sys.stderr)
    return GitHistory.skipped()


def _check(root: Path, args: argparse.Namespace) -> int:
    with cyclic_gc_paused():
        kb = build_knowledge_base(root, _history(root, args))
    problems = list(kb.problems)
    if args.format == "json":
        print(to_json(problems))
    else:
        for problem in problems:
            print(problem.github() if args.format == "github" else problem.text())
        summary = summary_line(problems) + _warnings_verdict(problems, args.strict)
        print(summary, file=sys.stderr if args.format == "github" else sys.stdout)
    errors = any(p.severity is Severity.error for p in problems)
    return 1 if errors or (problems and args.strict) else 0


def _warnings_verdict(problems: list[Problem], strict: bool) -> str:
    """Whether the warnings of a run without errors fail it: said, since the exit code
    depends on it."""
    if not problems or any(p.severity is Severity.error for p in problems):
        return ""
    return "; --strict: warnings fail the check" if strict else "; warnings do not fail the check"


def _print_errors(error: ContentError) -> None:
    for problem in error.problems:
        print(problem.text(), file=sys.stderr)
    print(summary_line(error.problems), file=sys.stderr)


def _generate(root: Path, args: argparse.Namespace) -> int:
    out = args.out if args.out is not None else root / DOCS_DIR
    history = _history(root, args)
    return _reported(
        lambda: f"atlas generate: {generate(root, out, history)} file(s) changed in {out}"
    )


def _build(root: Path, args: argparse.Namespace) -> int:
    site = args.site_dir if args.site_dir is not None else root / "site"
    history = _history(root, args)

    def build() -> str:
        started = time.perf_counter()
        mkdocs = build_site(root, site.resolve(), root / "mkdocs.yml", history)
        took = time.perf_counter() - started
        return f"atlas build: site written to {site} in {took:.1f} s (MkDocs {mkdocs:.1f} s)"

    return _reported(build)


def _serve(root: Path, args: argparse.Namespace) -> int:
    try:
        prepare_serve(root, _history(root, args))
    except ContentError as error:
        _print_errors(error)
        return 1
    except ValueError as error:
        print(f"atlas: {error}", file=sys.stderr)
        return 2
    command = serve_command(root, args.host, args.port)
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(root)
    # Replace this process: Ctrl-C and a terminating signal reach the server itself.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if args.no_history:
        env[NO_HISTORY_ENV] = "1"  # the server's hooks read the history for each rebuild
    else:
        env.pop(NO_HISTORY_ENV, None)
    os.execve(command[0], command, env)


def _reported(step: Callable[[], str]) -> int:
    """Run a step that writes output; turn its failures into messages and exit codes."""
    try:
        message = step()
    except ContentError as error:
        _print_errors(error)
        return 1
    except subprocess.CalledProcessError:
        print("atlas build: mkdocs build failed; the previous site is unchanged", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"atlas: {error}", file=sys.stderr)
        return 2
    print(message)
    return 0


def _schema(root: Path, args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(Kind(args.kind)), ensure_ascii=False, indent=2))
    return 0


def _docs(root: Path, args: argparse.Namespace) -> int:
    stale = []
    for rel, text in generated_files(root).items():
        target = root / rel
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(rel)
        if not args.check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    verb = "out of date" if args.check else "rewritten"
    for rel in stale:
        print(f"atlas docs: {rel} {verb}")
    return 1 if stale and args.check else 0


def _mv(root: Path, args: argparse.Namespace) -> int:
    try:
        plan = plan_rename(root, args.old, args.new)
        apply_rename(plan)
    except RenameError as error:
        print(f"atlas mv: {error}; nothing was changed", file=sys.stderr)
        return 1
    changed = len(plan.texts) - 1  # the redirects file is counted apart
    print(
        f"atlas mv: {args.old} -> {args.new}; {changed} file(s) written, redirect recorded "
        "in content/redirects.yml"
    )
    return 0


def _new(root: Path, args: argparse.Namespace) -> int:
    kind = Kind(args.kind)
    problem = id_error(args.id)
    if problem is not None:
        print(
            f"atlas new: {problem}: use lower-case ASCII letters and digits joined by '-', "
            "e.g. art-287-2; nothing was written",
            file=sys.stderr,
        )
        return 2
    taken = list((root / "content").glob(f"*/{args.id}.md"))
    if taken:
        print(
            f"atlas new: id '{args.id}' is already used by {taken[0].relative_to(root)}; "
            "nothing was written",
            file=sys.stderr,
        )
        return 1
    target = root / source_path(kind, args.id)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as handle:  # 'x': never overwrite
            handle.write(new_entry_text(kind, args.id))
    except FileExistsError:
        print(f"atlas new: {target.relative_to(root)} exists; nothing was written", file=sys.stderr)
        return 1
    print(f"atlas new: wrote {target.relative_to(root)}; fill in the fields, then run atlas check")
    return 0


def run() -> None:
    """The console entry point: `main`, then a normal exit, so that exit handlers (the
    libraries' and the interpreter's own) run."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(code)


if __name__ == "__main__":
    run()
