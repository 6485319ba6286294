"""Training sessions: compile a project, run it as a generator, keep the history."""
