"""Registered package names that are placeholders, not the library the code means.

A maintained, dated list (data, reviewed by hand): names an assistant writes because they
look right, which the registry holds as an empty or warning-only package — a security
holding package after a takedown, a name reserved to stop squatting, a deprecation stub
that fails on install, or a name registered after assistants were seen hallucinating it
("slopsquatting"). Each row says what to use instead and where the fact comes from.

Last reviewed: 2026-12-03. Add rows with a source; remove a row only when the name
becomes the real library again.
"""

from __future__ import annotations

from dataclasses import dataclass

LIST_DATE = "2026-12-03"


@dataclass(frozen=True)
class Placeholder:
    ecosystem: str  # "pypi" | "npm"
    name: str
    use_instead: str
    why: str
    source: str


PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder(
        "pypi",
        "sklearn",
        "`scikit-learn`",
        "a deprecated stub: installing it fails since 2023-12 (the import name is `sklearn`, "
        "the distribution is `scikit-learn`)",
        "https://github.com/scikit-learn/sklearn-pypi-package",
    ),
    Placeholder(
        "pypi",
        "huggingface-cli",
        "`huggingface_hub` (its CLI is `huggingface-cli`)",
        "a name assistants hallucinate as a pip package; registered as an empty package by a "
        "researcher to measure the downloads it got",
        "Lasso Security, 'Diving into AI Package Hallucinations' (2024)",
    ),
    Placeholder(
        "npm",
        "fs",
        "the built-in `node:fs` (no dependency)",
        "an npm security holding package (`0.0.1-security`): the name of a Node built-in",
        "https://www.npmjs.com/package/fs",
    ),
    Placeholder(
        "npm",
        "crypto",
        "the built-in `node:crypto` (no dependency)",
        "deprecated on npm: 'This package is no longer supported. It's now a built-in Node module'",
        "https://www.npmjs.com/package/crypto",
    ),
    Placeholder(
        "npm",
        "child_process",
        "the built-in `node:child_process` (no dependency)",
        "an npm security holding package (`1.0.2` placeholder): the name of a Node built-in",
        "https://www.npmjs.com/package/child_process",
    ),
)

BY_KEY: dict[tuple[str, str], Placeholder] = {(p.ecosystem, p.name.lower()): p for p in PLACEHOLDERS}
