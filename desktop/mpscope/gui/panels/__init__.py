"""One module per dock panel; each takes the RunBridge in `__init__`."""
