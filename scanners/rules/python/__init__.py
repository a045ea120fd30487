"""Rules for Python sources (ast), one module per theme; scanners/rules/registry.py lists them."""
