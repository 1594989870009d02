"""The Lessons panel and the results it shows."""
