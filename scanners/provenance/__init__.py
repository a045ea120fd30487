"""AI provenance: which lines of a git checkout an AI wrote (see attribution.py)."""
