"""The window attached to a run another process owns: on this machine, or over SSH."""
