"""Run history: the SQLite store, the writer that records a live run, export and paths."""
