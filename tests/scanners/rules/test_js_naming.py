"""AI113 js-naming-drift: measured over the whole repository, quiet without a clear majority."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanners.rules.javascript.naming import JsNamingDrift, name_style
from tests.scanners.rules.harness import hit_lines, run_rule

RULE = JsNamingDrift()


def _word(i: int) -> str:
    """`a`, `b`, … — names ending in `_<digits>` are treated as compiler-generated."""
    return chr(ord("a") + i % 26) * (1 + i // 26)


def _camel_repo(count: int) -> dict[str, str]:
    body = "".join(f"export function loadItem{i}(x) {{ return x; }}\n" for i in range(count))
    return {"src/lib/items.ts": body}


@pytest.mark.parametrize(
    ("name", "style"),
    [("getUserData", "camel"), ("get_user_data", "snake"), ("UserCard", "pascal"), ("MAX_SIZE", "upper"),
     ("_privateThing", "camel"), ("load", None), ("$el", None), ("Foo_Bar", None),
     ("unstable_batchedUpdates", "camel"), ("_opts$on_error", None), ("default_1", None)],
)  # fmt: skip
def test_name_styles(name: str, style: str | None) -> None:
    assert name_style(name) == style


def test_no_finding_without_twenty_names(tmp_path: Path) -> None:
    code = "export function get_user(x) { return x; }\n"
    assert hit_lines(run_rule(RULE, code, tmp_path, filename="src/a.ts", extra_files=_camel_repo(10))) == []


def test_no_finding_without_a_ninety_percent_majority(tmp_path: Path) -> None:
    code = "".join(f"export function get_user_{i}(x) {{ return x; }}\n" for i in range(4))
    assert hit_lines(run_rule(RULE, code, tmp_path, filename="src/a.ts", extra_files=_camel_repo(25))) == []


def test_the_message_carries_the_measured_share_and_the_rename(tmp_path: Path) -> None:
    hits = run_rule(RULE, "export const fetch_user = async () => 1;\n", tmp_path, "src/a.ts", _camel_repo(30))
    assert hit_lines(hits) == [1]
    assert "97% of 31 function names" in hits[0].message
    assert "`fetchUser`" in hits[0].message


def test_components_and_non_function_variables_are_not_drift(tmp_path: Path) -> None:
    code = (
        "const child_process = require('child_process');\n"
        "const { user_id, created_at } = payload;\n"
        "export const API_BASE_URL = '/api';\n"
        "export function UserCard() { return <div />; }\n"
        "export const Button = styled.button``;\n"
    )
    hits = run_rule(RULE, code, tmp_path, filename="src/a.jsx", extra_files=_camel_repo(30))
    assert hit_lines(hits) == []


def test_a_snake_case_repository_flags_camel_case(tmp_path: Path) -> None:
    body = "".join(f"export function load_item_{_word(i)}(x) {{ return x; }}\n" for i in range(25))
    hits = run_rule(RULE, "export function loadItem(x) {}\n", tmp_path, "src/a.js", {"src/lib.js": body})
    assert hit_lines(hits) == [1]
    assert "`load_item`" in hits[0].message


def test_a_file_written_in_the_other_style_is_reported_once(tmp_path: Path) -> None:
    code = "".join(f"export function get_thing_{_word(i)}(x) {{ return x; }}\n" for i in range(6))
    hits = run_rule(RULE, code, tmp_path, filename="src/port.js", extra_files=_camel_repo(80))
    assert hit_lines(hits) == [1]
    assert "6 of its 6 declarations" in hits[0].message


def test_declaration_files_are_not_measured(tmp_path: Path) -> None:
    code = "export declare function native_binding(x: number): void;\n"
    hits = run_rule(RULE, code, tmp_path, filename="types/native.d.ts", extra_files=_camel_repo(30))
    assert hits == []
