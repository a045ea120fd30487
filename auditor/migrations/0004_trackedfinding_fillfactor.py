"""Leave room in TrackedFinding pages for in-place (HOT) updates.

Every ingestion updates most of a repository's tracked rows; with the default fill
factor the table bloats several-fold between vacuums (measured in bench/dashboard_pages.py:
185 MB instead of 27 MB). PostgreSQL only; other databases have no such setting.
"""

from django.db import migrations


def _set_fillfactor(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE auditor_trackedfinding SET (fillfactor = 70)")


def _reset_fillfactor(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE auditor_trackedfinding RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("auditor", "0003_reviews_dashboard_integrations")]

    operations = [migrations.RunPython(_set_fillfactor, _reset_fillfactor)]
