"""The edges: git history, the MkDocs plugin and serve state, building the site."""
