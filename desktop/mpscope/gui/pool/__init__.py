"""The pool panel: progress, the task stream and its bars."""
