"""Cyberlaw Atlas generator: load -> validate -> link -> render.

- `generator.core`: the pure pipeline. The schema (declared once), the problems and their
  rules, and the stages load, validate and link, each a function of the previous stage's
  immutable output. No git, no MkDocs, no files written.
- `generator.render`: stage 4, the linked knowledge base as a plain-Markdown docs tree,
  with maps, timeline, citations and data exports; and the writer that puts it on disk.
- `generator.adapters`: the edges. Git history, the MkDocs plugin, the serve state, and
  building the site.
- `generator.tools`: what contributors run. The `atlas` command, `atlas mv`, `atlas new`,
  and the documents derived from the schema.
"""
