"""The signature table: each entry's example matches it (and no other entry comes first),
and trailers are parsed exactly as `git interpret-trailers --parse` parses them."""

from __future__ import annotations

import subprocess

import pytest

from scanners.provenance.signatures import (
    Commit,
    SignatureError,
    builtin_signatures,
    classify_commit,
    compile_signature,
    table_entries,
)
from scanners.provenance.trailers import parse_trailers

HUMAN = "Alice Human <alice@example.com>"
ENTRIES = table_entries()
WHERE_COVERED = {"trailer", "author", "committer", "message"}


def _example(entry: dict[str, str]) -> Commit:
    return Commit(
        "0" * 40,
        entry.get("example_author", HUMAN),
        entry.get("example_committer", entry.get("example_author", HUMAN)),
        entry["example"],
    )


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_each_entry_matches_its_own_example(entry: dict[str, str]) -> None:
    verdict = classify_commit(_example(entry), builtin_signatures())
    assert verdict is not None
    assert verdict.signature == entry["id"]
    assert verdict.tool == entry.get("expect_tool", entry["tool"])
    assert verdict.model == entry.get("expect_model", "")


def test_the_table_covers_the_tools_the_issue_names() -> None:
    tools = {e.get("expect_tool", e["tool"]) for e in ENTRIES}
    for tool in ("Claude Code", "OpenAI Codex", "GitHub Copilot", "Cursor", "Gemini", "Gemini CLI",
                 "Devin", "Jules", "Amazon Q", "aider"):  # fmt: skip
        assert tool in tools
    assert {e["where"] for e in ENTRIES} == WHERE_COVERED
    assert {e["key"] for e in ENTRIES if e["where"] == "trailer"} >= {
        "Assisted-by",
        "Generated-by",
        "Made-with",
    }


@pytest.mark.parametrize(
    "message",
    [
        "Fix typo\n\nSigned-off-by: Alice Human <alice@example.com>\n",
        "Claude helped? No.\n\nReviewed-by: Claude Shannon <claude@example.com>\n",
        "Generated with protoc\n",
        "Mention aider: in the middle of a title\n",
        # A trailer-looking line in the body is not in the trailer block.
        "Title\n\nCo-authored-by: Claude <noreply@anthropic.com>\nthis paragraph is prose\n",
    ],
)
def test_human_commits_have_no_verdict(message: str) -> None:
    assert classify_commit(Commit("0" * 40, HUMAN, HUMAN, message), builtin_signatures()) is None


MESSAGES = [
    "t\n\nbody\n\nCo-authored-by: Claude <noreply@anthropic.com>\nSigned-off-by: X <x@y>\n",
    "t\n\nCo-authored-by: a\n  continued here\nfoo bar\n",
    "t\n\nfoo bar\nSigned-off-by: A <a@b>\n",
    "t\n\nfoo bar\nmore prose\nmore\nmore\nSigned-off-by: A <a@b>\n",
    "only a title: with a colon\n",
    "t\n\nKey: v\n---\nAfter: divider\n",
    "t\n\n a: b\nKey: v\n",
    "t\n\nKey: v\n  folded\n   twice\nOther :spaced\n",
    "t\n\nAssisted-by: Claude:claude-3-opus coccinelle\n\n\n",
    "t\n\nbody: not\n\nMade-with: Cursor\n# comment\nX: y\n",
    "t\nstill title\n\nKey: v\n",
]


@pytest.mark.parametrize("message", MESSAGES)
def test_trailers_parse_like_git_interpret_trailers(message: str) -> None:
    done = subprocess.run(
        ["git", "interpret-trailers", "--parse"],
        input=message,
        capture_output=True,
        text=True,
        check=True,
        env={"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "PATH": "/usr/bin:/bin"},
    )
    expected = [tuple(line.split(": ", 1)) for line in done.stdout.splitlines()]
    assert parse_trailers(message) == expected


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        ({"id": "Bad Id", "where": "message", "pattern": "x", "tool": "t"}, "kebab-case"),
        ({"id": "a", "where": "body", "pattern": "x", "tool": "t"}, "where must be"),
        ({"id": "a", "where": "trailer", "pattern": "x", "tool": "t"}, "needs a key"),
        ({"id": "a", "where": "message", "pattern": "(", "tool": "t"}, "invalid regular expression"),
        ({"id": "a", "where": "message", "pattern": "(?P<who>x)", "tool": "t"}, "unknown named groups"),
        ({"id": "a", "where": "message", "pattern": "x"}, "needs a tool"),
    ],
)
def test_malformed_entries_are_refused_with_the_reason(entry: dict[str, str], error: str) -> None:
    with pytest.raises(SignatureError, match=error):
        compile_signature(entry)
