"""What a worker process imports: its bootstrap, the reporter, the channel's writer, messages."""
