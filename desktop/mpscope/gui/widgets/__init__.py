"""Widgets and helpers every panel shares: charts, delegates, icons, actions, formatting."""
