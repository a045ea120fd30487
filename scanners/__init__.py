"""The audit engine: takes a directory, returns findings and file metrics.

This package is a plain Python library. It must never import Django: the web
application depends on it, never the other way round.
"""

# 1.1.0: findings carry `in_tests`; JS/TS files get complexity and maintainability (cached
# results of earlier versions lack both, and the cache key includes this).
__version__ = "1.1.0"
