"""What mpscope does in a terminal: the headless runner and its printing."""
