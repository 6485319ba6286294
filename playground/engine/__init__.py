"""Our own array engine: layers with explicit forward and backward, on NumPy or CuPy.

Never imports Qt, the document model or the session (import-linter checks it).
"""
