"""Taint tracking inside a function and through a file's own helpers (Python and JS/TS).

`flow` holds the language-neutral values (a tainted value, its steps, the flows found);
`python` walks the shared `ast` tree, `javascript` the shared tree-sitter tree. The
rules in scanners/rules/*/taint_rules.py read the flows of one family each; one file is
analysed once however many family rules ask (see `flow.memoised`).
"""
