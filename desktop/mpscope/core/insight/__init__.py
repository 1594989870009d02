"""Operator insight: stacks on demand, per-task peak memory, memory limits and notifications."""
