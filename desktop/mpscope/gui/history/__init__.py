"""The History panel, a recorded run's window and the compare view."""
