"""The file page: source at the scanned commit, findings at their lines, escaped."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from auditor.models import FileBlob, FileBlobOwner, FileMetric, Repository
from tests.auditor.conftest import Personas
from tests.auditor.dashboard_factories import ingest

pytestmark = pytest.mark.django_db
SOURCE = "import os\n\n\ndef f():\n    return '<script>alert(1)</script>'\n"


def test_findings_are_annotated_at_their_lines_and_source_is_escaped(
    personas: Personas, repository: Repository, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    ingest(repository, [("B404", "app/x.py", 1, "fp-old", 1)])
    scan = ingest(repository, [("B404", "app/x.py", 1, "fp1", 1), ("AI303", "app/x.py", 5, "fp2", 3)])
    FileMetric.objects.filter(scan__repository=repository).update(content_sha256="h1", risk_score=4.2)
    blob = FileBlob.objects.create(sha256="h1", text=SOURCE)
    FileBlobOwner.objects.create(blob=blob, repository=repository)
    client = Client()
    client.force_login(personas.viewer)
    url = reverse("file-detail", args=[scan.pk]) + "?path=app/x.py"
    with django_assert_max_num_queries(10):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
    assert body.count('class="annotation') == 2
    line5 = body.split('id="L5"', 1)[1]
    assert line5.index("AI303") < line5.index('id="L6"') if 'id="L6"' in line5 else "AI303" in line5
    assert "Risk across scans" in body


def test_unknown_files_and_outsiders_get_404(personas: Personas, repository: Repository) -> None:
    scan = ingest(repository, [("B404", "app/x.py", 1, "fp1", 1)])
    client = Client()
    client.force_login(personas.viewer)
    assert client.get(reverse("file-detail", args=[scan.pk]) + "?path=nope.py").status_code == 404
    client.force_login(personas.outsider)
    assert client.get(reverse("file-detail", args=[scan.pk]) + "?path=app/x.py").status_code == 404


def test_a_file_with_a_path_of_thousands_of_characters_has_its_page(
    personas: Personas, repository: Repository
) -> None:
    deep = "d/" * 1500 + "x.py"  # 3,004 characters: past the old 1,000-character cut
    scan = ingest(repository, [("B404", deep, 1, "fp-deep", 1)])
    client = Client()
    client.force_login(personas.viewer)

    response = client.get(reverse("file-detail", args=[scan.pk]) + "?" + urlencode({"path": deep}))

    assert response.status_code == 200
    assert "B404" in response.content.decode()
