"""The document a student edits: graph, catalog, settings, project files."""
