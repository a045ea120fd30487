"""Rules for JavaScript / TypeScript / JSX / TSX sources (tree-sitter), one module per theme;
scanners/rules/registry.py lists them."""
