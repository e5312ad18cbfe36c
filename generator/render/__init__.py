"""Stage 4: the docs tree, its pages, maps, timeline, citations and exports, and its writer."""
