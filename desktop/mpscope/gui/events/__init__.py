"""The events panel and its model."""
