"""The audit engine: takes a directory, returns findings and file metrics.

This package is a plain Python library. It must never import Django: the web
application depends on it, never the other way round.
"""

__version__ = "1.0.0"
