"""`python -m scanners.upload RESULT.json --url URL --repository ID --commit SHA [--branch NAME]`.

Sends an engine result (`python -m scanners . --format json --output RESULT.json`) to
the dashboard's `POST /api/v1/repositories/ID/results/`, so a CI run and the dashboard
share one history. The token comes from the AUDITOR_TOKEN environment variable (never
from the command line, where it would land in the CI log). Standard library only.

Exit status: 0 uploaded; 1 the server refused it; 2 usage error (missing token or file).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
TIMEOUT_SECONDS = 120


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scanners.upload", description=__doc__.splitlines()[0])
    parser.add_argument("result", type=Path, help="the engine's JSON result file")
    parser.add_argument(
        "--url", required=True, help="the dashboard's base URL, e.g. https://auditor.example.com"
    )
    parser.add_argument("--repository", required=True, type=int, help="the repository's id in the dashboard")
    parser.add_argument("--commit", required=True, help="the commit that was scanned (e.g. $GITHUB_SHA)")
    parser.add_argument("--branch", default="", help="the branch (default: the repository's default branch)")
    return parser


def upload(
    base_url: str, token: str, repository: int, commit: str, branch: str, result: object
) -> dict[str, object]:
    """POST the result; returns the created scan as JSON. Raises urllib.error.HTTPError."""
    body = json.dumps({"commit": commit, "branch": branch, "result": result}).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 (main() allows only http(s) URLs)
        f"{base_url.rstrip('/')}/api/v1/repositories/{repository}/results/",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (URL from the operator)
        return dict(json.loads(response.read().decode("utf-8")))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    token = os.environ.get("AUDITOR_TOKEN", "")
    if not token:
        print("AUDITOR_TOKEN is not set (create a token on the dashboard's API tokens page)", file=sys.stderr)
        return EXIT_USAGE
    if not args.url.startswith(("https://", "http://")):
        print(f"--url must be an http(s) URL, got {args.url!r}", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = json.loads(args.result.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"{args.result}: cannot read a JSON result: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        scan = upload(args.url, token, args.repository, args.commit, args.branch, result)
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:2000]
        print(f"upload refused: HTTP {exc.code}: {detail}", file=sys.stderr)
        return EXIT_REFUSED
    except urllib.error.URLError as exc:
        print(f"upload failed: {exc.reason}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"uploaded as scan #{scan.get('id')} ({scan.get('findings_total')} findings)")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
