"""SourceFile's line numbering agrees with the parsers'."""

from __future__ import annotations

import ast

from scanners.source import SourceFile


def test_line_numbers_match_the_ast_despite_unusual_line_breaks() -> None:
    text = 'a = "\u2028"  # a line separator inside a string\nb = 1\x0c\nc = 2\r\nd = 3\n'
    source = SourceFile(path="odd.py", text=text, language="python")
    tree = source.python_tree
    assert tree is not None
    assignment_d = tree.body[-1]
    assert isinstance(assignment_d, ast.Assign)
    assert assignment_d.lineno == 4
    assert source.line_text(4) == "d = 3"
    assert len(source.lines) == 4


def test_a_file_that_does_not_parse_reports_its_error_instead_of_raising() -> None:
    source = SourceFile(path="broken.py", text="def f(:\n", language="python")
    assert source.python_tree is None
    assert source.parse_error is not None
    assert source.parse_error.lineno == 1
