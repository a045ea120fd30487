"""Syntax highlighting on the file page: classes only, every token escaped, line numbers
never shifted."""

from __future__ import annotations

from auditor.selectors.highlight import MAX_CHARS, highlight_lines


def _lines(path: str, text: str) -> list[str] | None:
    return highlight_lines(path, text, len(text.splitlines()))


def test_python_keywords_and_strings_get_pygments_classes() -> None:
    lines = _lines("pkg/app.py", 'def f():\n    return "x"\n')
    assert lines == [
        '<span class="k">def</span><span class="w"> </span><span class="nf">f</span>'
        '<span class="p">(</span><span class="p">)</span><span class="p">:</span>',
        '    <span class="k">return</span> '
        '<span class="s2">&quot;</span><span class="s2">x</span><span class="s2">&quot;</span>',
    ]


def test_a_multiline_string_stays_on_its_own_lines() -> None:
    text = 'x = """one\ntwo\n"""\ny = 1\n'
    lines = _lines("a.py", text)
    assert lines is not None
    assert len(lines) == 4
    assert lines[1] == '<span class="s2">two</span>'
    assert lines[3].startswith('<span class="n">y</span>')


def test_hostile_text_is_escaped() -> None:
    lines = _lines("evil.js", "const a = '</pre><script>alert(1)</script>';\n")
    assert lines is not None
    html = lines[0]
    assert "<script>" not in html
    assert "&lt;/pre&gt;&lt;script&gt;" in html


def test_leading_blank_lines_and_no_final_newline_keep_the_numbering() -> None:
    text = "\n\nimport os\nprint(os)"
    lines = _lines("a.py", text)
    assert lines is not None
    assert lines[:2] == ["", ""]
    assert "import" in lines[2]
    assert "print" in lines[3]


def test_plain_when_unknown_too_big_or_counted_differently() -> None:
    assert _lines("notes.txt", "hello\n") is None
    assert _lines("a.rb", "puts 1\n") is None  # not on the list of lexers we run
    assert _lines("big.py", "x = 1\n" * (MAX_CHARS // 6 + 1)) is None
    # A form feed is a line break for str.splitlines, not for Pygments.
    assert _lines("a.py", "x = 1\x0cy = 2\n") is None
