"""The launch panel and the pieces of its form."""
