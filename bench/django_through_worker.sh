#!/usr/bin/env bash
# Scans Django 6.1.3's source through a real Celery worker on PostgreSQL + Redis,
# end to end (clone → engine → ingest), and prints the scan summary.
#   bench/django_through_worker.sh            # uses the services on 127.0.0.1
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
DB=${BENCH_DB:-auditor_bench_django}
export SECRET_KEY=bench-only DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/9} CELERY_QUEUE=bench-django
work=$(mktemp -d)
export AUDITOR_LOCAL_REPO_ROOTS="$work" AUDITOR_WORKSPACE_DIR="$work/ws" SCAN_ENGINE_CACHE_DIR=""
trap 'kill $worker 2>/dev/null || true; rm -rf "$work"' EXIT

tree=$($PY -c "import sys; sys.path.insert(0, '.'); from bench._common import fetch_sdist; print(fetch_sdist('django==6.1.3'))")
cp -r "$tree" "$work/django"
git -C "$work/django" init -q -b main
git -C "$work/django" add -A
git -C "$work/django" -c user.name=bench -c user.email=bench@example.com commit -qm "Django 6.1.3 sdist"

psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
$PY manage.py migrate --noinput -v 0
$PY manage.py add_repo django "$work/django" --team Bench
$PY -m celery -A auditor worker -Q "$CELERY_QUEUE" --concurrency=1 --loglevel=WARNING >"$work/worker.log" 2>&1 &
worker=$!
if ! /usr/bin/time -f "wall %e s, peak RSS of the command %M KiB" $PY manage.py scan django --wait --timeout 1800; then
  echo "--- worker log (tail) ---"; tail -n 60 "$work/worker.log"; exit 1
fi
$PY manage.py shell -c "
from auditor.models import Scan
s = Scan.objects.get()
print(f'clone {s.clone_seconds:.1f} s, engine {s.scan_seconds:.1f} s, ingest {s.ingest_seconds:.1f} s; '
      f'{s.files_scanned} files, {s.lines_scanned} lines, {s.findings_total} findings, {len(s.warnings)} warnings')
print('warnings by code:', sorted({w['code'] for w in s.warnings}))
"
