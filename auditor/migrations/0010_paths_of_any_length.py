"""Path columns of any length (auditor/models/paths.py).

`varchar(1000)` refused paths the engine reports (deep trees, escaped names): every path
column becomes `text`. No B-tree can hold a whole path of up to 4 KiB (PostgreSQL caps an
entry at ~2,700 bytes), so each index keeps its purpose on a bounded expression: the
ordering and grouping indexes on `left(path, 500)` (findings list sorted by path, the scan
page's order, hotspots), the per-scan uniqueness of files and trust rows on `md5(path)`.
"""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("auditor", "0009_scan_commit_verified"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="filemetric",
            name="filemetric_unique_scan_path",
        ),
        migrations.RemoveConstraint(
            model_name="filetrust",
            name="filetrust_unique_scan_path",
        ),
        migrations.RemoveIndex(
            model_name="finding",
            name="finding_scan_sev_idx",
        ),
        migrations.RemoveIndex(
            model_name="trackedfinding",
            name="tracked_open_path_idx",
        ),
        migrations.RemoveIndex(
            model_name="trackedfinding",
            name="tracked_repo_open_path_idx",
        ),
        migrations.AlterField(
            model_name="filemetric",
            name="path",
            field=models.TextField(),
        ),
        migrations.AlterField(
            model_name="filetrust",
            name="path",
            field=models.TextField(),
        ),
        migrations.AlterField(
            model_name="finding",
            name="path",
            field=models.TextField(),
        ),
        migrations.AlterField(
            model_name="trackedfinding",
            name="path",
            field=models.TextField(),
        ),
        migrations.AddIndex(
            model_name="finding",
            index=models.Index(
                models.F("scan"),
                models.OrderBy(models.F("severity"), descending=True),
                django.db.models.functions.text.Left("path", 500),
                models.F("line"),
                name="finding_scan_sev_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="trackedfinding",
            index=models.Index(
                models.F("is_open"),
                django.db.models.functions.text.Left("path", 500),
                models.F("line"),
                models.F("id"),
                name="tracked_open_path_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="trackedfinding",
            index=models.Index(
                models.F("repository"),
                models.F("is_open"),
                django.db.models.functions.text.Left("path", 500),
                name="tracked_repo_open_path_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="filemetric",
            constraint=models.UniqueConstraint(
                models.F("scan"),
                django.db.models.functions.text.MD5("path"),
                name="filemetric_unique_scan_path",
            ),
        ),
        migrations.AddConstraint(
            model_name="filetrust",
            constraint=models.UniqueConstraint(
                models.F("scan"),
                django.db.models.functions.text.MD5("path"),
                name="filetrust_unique_scan_path",
            ),
        ),
    ]
