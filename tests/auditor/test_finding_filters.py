"""The one findings filter: parsed once, an unknown value a 400 in the API and a visible
note on pages; search, a rule in any case and sortable headers on the list; exports that
select exactly what the list shows."""

from __future__ import annotations

import csv
import io
import re

from django.test import Client

from auditor.selectors.finding_filters import FindingFilters
from auditor.services.api_tokens import api_token_create
from tests.auditor.conftest import Personas
from tests.auditor.counts_fixture import CountsWorld, signed_in

_client = signed_in


def _listed_paths(html: str) -> list[str]:
    return re.findall(r"<code>(app/[a-z]\.py|src/[a-z]\.py):\d+</code>", html)


def test_it_keeps_what_it_cannot_use_as_ignored() -> None:
    f = FindingFilters.from_query({"severity": "urgent", "status": "gone", "rule": "ai101", "page": "2"})
    assert (f.severity, f.status, f.rule) == ("", "open", "ai101")
    assert [name for name, _, _ in f.ignored] == ["severity", "status"]
    assert f.ignored_text[0].startswith("severity=urgent (expected one of critical, high")
    assert FindingFilters.from_query(f.as_query()) == f  # round trip


def test_the_api_refuses_an_unknown_severity(personas: Personas, counts_world: CountsWorld) -> None:
    api = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=personas.viewer, name='ci').clear}")
    response = api.get(f"/api/v1/scans/{counts_world.latest.pk}/findings/?severity=urgent")
    assert response.status_code == 400
    assert "severity" in response.json()
    assert api.get("/api/v1/findings/export/csv/?severity=urgent").status_code == 400
    assert api.get(f"/api/v1/scans/{counts_world.latest.pk}/findings/?severity=critical").status_code == 200


def test_pages_show_an_ignored_filter(personas: Personas, counts_world: CountsWorld) -> None:
    client = _client(personas.viewer)
    for url in ("/findings/?severity=urgent", f"/scans/{counts_world.latest.pk}/?severity=urgent"):
        body = client.get(url).content.decode()
        note = re.search(r'data-testid="ignored-filters">(.*?)</p>', body, re.S)
        assert note, url
        assert "severity=urgent" in note.group(1)
    assert 'data-testid="ignored-filters"' not in client.get("/findings/?severity=high").content.decode()


def test_search_covers_message_path_and_rule(personas: Personas, counts_world: CountsWorld) -> None:
    client = _client(personas.viewer)
    # The fixture's messages read "AI1xx at app/x.py"; path "app/d.py"; rule AI103 for D.
    assert _listed_paths(client.get("/findings/?q=D.PY").content.decode()) == ["app/d.py"]
    assert _listed_paths(client.get("/findings/?q=ai103").content.decode()) == ["app/d.py"]
    body = client.get("/findings/?q=src/").content.decode()
    assert sorted(_listed_paths(body)) == ["src/p.py", "src/q.py"]
    assert re.search(r'data-testid="status-open">\s*2\s*<', body)  # the counts follow the search


def test_the_rule_filter_ignores_case(personas: Personas, counts_world: CountsWorld) -> None:
    client = _client(personas.viewer)
    lower = client.get("/findings/?rule=ai100").content.decode()
    assert _listed_paths(lower) == ["app/a.py"]
    assert re.search(r'data-testid="status-open">\s*1\s*<', lower)


def test_headers_sort_the_list(personas: Personas, counts_world: CountsWorld) -> None:
    client = _client(personas.viewer)
    body = client.get("/findings/?sort=path").content.decode()
    assert _listed_paths(body) == ["app/a.py", "app/d.py", "app/f.py", "app/h.py", "src/p.py", "src/q.py"]
    assert 'aria-sort="ascending"><a class="sort active" href="?sort=path' in body
    rule_link = re.search(r'<a class="sort" href="\?([^"]*sort=rule[^"]*)">Rule</a>', body)
    assert rule_link
    ordered = _listed_paths(
        client.get("/findings/?" + rule_link.group(1).replace("&amp;", "&")).content.decode()
    )
    assert ordered[0] == "app/a.py"
    assert ordered[-1] == "src/q.py"


def test_the_export_link_carries_the_list_filters(personas: Personas, counts_world: CountsWorld) -> None:
    client = _client(personas.viewer)
    body = client.get(f"/findings/?repository={counts_world.billing.pk}&q=app&sort=rule").content.decode()
    link = re.search(r'href="(/findings/export\.csv\?[^"]+)"', body)
    assert link
    url = link.group(1).replace("&amp;", "&")
    assert f"repository={counts_world.billing.pk}" in url
    assert "q=app" in url
    response = client.get(url)
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert sorted(r["path"] for r in rows) == sorted(_listed_paths(body))
