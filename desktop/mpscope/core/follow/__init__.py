"""Following a run another mpscope process records: its feed, the tail, the control socket."""
