"""The parent's engine: starts workers, reads their channels, owns the run's state."""
