"""A team lead's morning: overview, trends, findings, triage, a file, hotspots."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from auditor.models import (
    FileBlob,
    FileBlobOwner,
    FileMetric,
    GateResult,
    Membership,
    Repository,
    Role,
    Scan,
    Team,
    TrackedFinding,
)
from auditor.services.risk import scan_risk_compute
from tests.auditor.dashboard_factories import ingest
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """The findings list caches its counts; ids repeat across tests on SQLite."""
    cache.clear()


RULES = {
    "B602": ("security", "subprocess call with shell=True identified, security issue"),
    "B105": ("security", "Possible hardcoded password: 'hunter2'"),
    "AI101": ("context", "`billing.utils.validation` does not exist in this repository"),
    "AI303": ("happy-path", "requests.get() without a timeout can hang the worker forever"),
    "AI210": ("temporal", "datetime.utcnow() is deprecated since Python 3.12"),
    "AI405": ("observability", "Exception swallowed by a bare `except: pass`"),
    "AI502": ("concurrency", "Shared dict mutated from a thread pool without a lock"),
    "C901": ("complexity", "`reconcile_invoices` is too complex (23)"),
}
FILES = {
    "billing/export.py": 23,
    "billing/api.py": 9,
    "billing/client.py": 6,
    "billing/models.py": 4,
    "core/tasks.py": 14,
    "core/settings.py": 2,
    "web/views.py": 11,
    "web/forms.py": 5,
}
EXPORT_PY = "\n".join(
    ["import subprocess", "", "", "def export(path):", '    """Write the ledger to `path`."""']
    + [f"    # step {i}" for i in range(1, 36)]
    + ["    return subprocess.call(f'cp ledger.csv {path}', shell=True)  # <b>not bold</b>", ""]
)


def _history(repository: Repository, seed: int) -> Scan:
    rnd = random.Random(seed)
    rules, paths = list(RULES), list(FILES)
    pool = [
        (rnd.choice(rules), rnd.choice(paths), rnd.randint(5, 120), f"{repository.slug}-{i}")
        for i in range(40)
    ]
    now = timezone.now()
    scan = None
    for day in range(27, -1, -3):
        alive = [p for p in pool if rnd.random() < 0.55 + (27 - day) / 120]
        rows = [
            (r, p, line, fp, {"B602": 3, "B105": 4, "AI101": 3}.get(r, rnd.randint(0, 2)))
            for r, p, line, fp in alive
        ]
        rows.append(("B602", "billing/export.py", 41, f"{repository.slug}-export", 3))
        scan = ingest(
            repository, rows, files=FILES, rules=RULES, at=now - timedelta(days=day, hours=rnd.randint(0, 5))
        )
        for path in paths:
            FileMetric.objects.filter(scan=scan, path=path).update(churn=rnd.randint(0, 12))
        scan_risk_compute(scan)
    assert scan is not None
    return scan


@pytest.fixture
def team_data(django_user_model: Any) -> dict[str, Any]:
    user = django_user_model.objects.create_user(username="rita", password="rita-pass")
    team = Team.objects.create(name="Payments", slug="payments")
    Membership.objects.create(user=user, team=team, role=Role.REVIEWER)
    scans = {}
    for i, name in enumerate(["billing", "ledger", "checkout"]):
        repo = Repository.objects.create(
            team=team, name=name, slug=name, clone_url=f"https://git.example.com/{name}.git"
        )
        scans[name] = _history(repo, seed=i)
    GateResult.objects.create(scan=scans["billing"], passed=False, failures=[{"code": "new-severe-findings"}])
    GateResult.objects.create(scan=scans["ledger"], passed=True)
    blob = FileBlob.objects.create(sha256="export-v1", text=EXPORT_PY)
    for repo in Repository.objects.filter(team=team):
        FileBlobOwner.objects.create(blob=blob, repository=repo)
    FileMetric.objects.filter(path="billing/export.py").update(content_sha256="export-v1")
    return {"team": team, "scans": scans}


def test_a_lead_reads_the_overview_and_trends(page: Any, team_data: dict[str, Any]) -> None:
    sign_in(page, "rita", "rita-pass")
    assert page.locator("h1").inner_text() == "Payments"  # signing in lands on the overview
    assert page.locator(".kpi").count() == 4
    assert page.locator(".kpi svg polyline").count() >= 2
    assert page.locator("[data-testid=gate-table] tbody tr").count() == 3
    assert page.locator("[data-testid=riskiest] tbody tr").count() >= 3
    screenshot(page, "dashboard-overview")

    page.click("text=Trends →")
    assert page.locator("h1").inner_text() == "Trends · Payments"
    assert page.locator("figure.chart").count() == 5
    assert page.locator("figure.chart").first.locator("circle.point").count() >= 5
    screenshot(page, "dashboard-trends")
    page.click("nav.tabs >> text=7d")
    assert "range=7d" in page.url
    assert page.locator("figure.chart").first.locator("circle.point").count() < 5 * 10


def test_a_reviewer_filters_findings_and_triages_one(page: Any, team_data: dict[str, Any]) -> None:
    sign_in(page, "rita", "rita-pass")
    page.goto("/findings/")
    rows = page.locator("[data-testid=findings-table] tbody tr")
    everything = page.locator(".tab.active .count").inner_text()
    assert rows.count() > 10
    screenshot(page, "dashboard-findings")

    page.select_option("select[name=repository]", label="billing")
    page.fill("input[name=path]", "billing/export.py")
    page.click("[data-testid=finding-filters] button[type=submit]")
    assert "path=billing%2Fexport.py" in page.url
    assert page.locator(".tab.active .count").inner_text() != everything
    target = TrackedFinding.objects.get(fingerprint="billing-export")
    assert rows.filter(has_text="billing/export.py:41").count() == 1

    page.click("text=billing/export.py:41")
    assert "B602" in page.locator("h1").inner_text()
    assert page.locator("[data-testid=timeline] li").count() >= 1
    page.select_option("select[name=status]", "accepted_risk")
    page.fill("textarea[name=reason]", "Only called from an admin command with a fixed path.")
    page.fill("input[name=expires_at]", (timezone.localdate() + timedelta(days=30)).isoformat())
    page.click("text=Save triage")
    assert "Triage saved" in page.locator(".message").inner_text()
    assert "Accepted risk" in page.locator("#triage").inner_text()
    screenshot(page, "dashboard-finding")

    page.goto(f"/findings/?repository={target.repository_id}&path=billing/export.py")
    assert page.locator("text=billing/export.py:41").count() == 0
    page.click(".tab >> text=Triaged")
    assert page.locator("text=billing/export.py:41").count() == 1


def test_the_file_page_annotates_the_flagged_line(page: Any, team_data: dict[str, Any]) -> None:
    scan = team_data["scans"]["billing"]
    sign_in(page, "rita", "rita-pass")
    page.goto(f"/scans/{scan.pk}/")
    assert page.locator("[data-testid=lifecycle] .stat").count() == 4
    screenshot(page, "dashboard-scan")
    page.click("table.findings >> text=billing/export.py:41")
    flagged = page.locator("tr#L41")
    assert "shell=True" in flagged.inner_text()
    assert "<b>not bold</b>" in flagged.inner_text()  # shown as text, not markup
    annotation = page.locator("tr#L41 + tr.annotation")
    assert "B602" in annotation.inner_text()
    screenshot(page, "dashboard-file")

    page.goto(f"/repositories/{scan.repository_id}/hotspots/")
    assert page.locator("[data-testid=heatmap] .tile").count() == len(FILES)
    page.click("th >> text=Max complexity")
    assert page.locator("[data-testid=hotspots] tbody tr").first.inner_text().startswith("billing/export.py")
    screenshot(page, "dashboard-hotspots")
    page.goto(f"/repositories/{scan.repository_id}/")
    screenshot(page, "dashboard-repository")
    page.goto("/help/risk/")
    assert "How per-file risk is scored" in page.locator("h1").inner_text()
    screenshot(page, "dashboard-help-risk")
