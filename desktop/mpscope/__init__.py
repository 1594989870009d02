"""mpscope: a desktop task monitor for Python multiprocessing."""

__version__ = "0.1.0"
