"""Adapters around external analysers (bandit, radon) and our own raw line metrics.

Each adapter works on an already built `SourceFile` (text decoded once, AST parsed once)
and returns plain data; none of them re-reads or re-parses the file.
"""
