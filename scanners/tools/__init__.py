"""One adapter module per external analyser (bandit.py, radon.py), plus raw.py, the
engine's radon-compatible line counts from one token pass.

Each adapter works on an already built `SourceFile` (text decoded once, AST parsed once),
runs its tool, maps the results to findings and owns the tool's version and catalogue;
none of them re-reads or re-parses the file.
"""
