"""Rule messages and docs: `code` becomes <code>, everything else stays escaped text."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import Client

from auditor.selectors.rules import rule_catalogue
from auditor.templatetags.auditor_tags import inline_code
from tests.auditor.conftest import Personas


def test_backticks_become_code_and_nothing_else_becomes_markup() -> None:
    assert inline_code("`os.getenv` is called with `<script>` & **bold**") == (
        "<code>os.getenv</code> is called with <code>&lt;script&gt;</code> &amp; **bold**"
    )


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("no code at all", "no code at all"),
        ("one ` alone", "one ` alone"),
        ("`a`b`c`", "<code>a</code>b<code>c</code>"),
        ('`"><img src=x onerror=alert(1)>`', "<code>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</code>"),
        ("across `two\nlines`", "across `two\nlines`"),
    ],
)
def test_hostile_or_odd_text_stays_text(text: str, html: str) -> None:
    assert inline_code(text) == html


def test_it_composes_with_linebreaksbr_without_double_escaping() -> None:
    rendered = Template("{% load auditor_tags %}{{ v|inline_code|linebreaksbr }}").render(
        Context({"v": "`a<b`\nnext"})
    )
    assert rendered == "<code>a&lt;b</code><br>next"


@pytest.mark.django_db
def test_the_rule_page_shows_code_not_backticks(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.viewer)
    rule = next(r for r in rule_catalogue() if "`" in (r.what or ""))
    body = client.get(f"/rules/{rule.id}/").content.decode()
    prose = body.split("What it does", 1)[1]
    assert "<code>" in prose
    assert "`" not in prose.split("</section>", 1)[0]
