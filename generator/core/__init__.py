"""The pure pipeline: schema, problems, load -> validate -> link."""
