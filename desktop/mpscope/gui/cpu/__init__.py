"""The CPU panel and the numpy rings behind its charts."""
