"""Benchmarks: mpscope's cost and capacity, each figure a ratio against a baseline run beside it."""
