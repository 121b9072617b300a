"""Common Measure: a shared measurement system for social outcomes."""

__version__ = "0.1.0"
