"""Optional registry lookup for declared packages: young or placeholder ones.

Off by default (a network call per package, from the machine that scans): enabled per
scan with an `EngineConfig(registry=RegistryConfig(...))`. A name registered less than
`min_age_days` ago, or whose registry entry is a placeholder (npm's `0.0.1-security`
holding packages, a PyPI project with no files), is reported by AI116. Failures of the
registry (timeouts, 404s, bad JSON) are never findings: the package is simply not judged.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

_MAX_BYTES = 8 * 1024 * 1024  # a registry document larger than this is not read


@dataclass(frozen=True)
class RegistryConfig:
    npm_url: str = "https://registry.npmjs.org"
    pypi_url: str = "https://pypi.org"
    timeout_seconds: float = 5.0
    max_packages: int = 200  # per scan, per ecosystem
    min_age_days: int = 30

    def __post_init__(self) -> None:
        for url in (self.npm_url, self.pypi_url):
            if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise ValueError(f"registry URL must be http(s): {url!r}")


@dataclass(frozen=True)
class PackageStatus:
    ecosystem: str  # "npm" | "pypi"
    name: str
    created: datetime | None
    placeholder: str | None  # why the entry is a placeholder, or None
    age_days: int | None


def _get_json(url: str, timeout: float) -> object | None:
    # RegistryConfig admits http(s) URLs only, so no file:// or custom scheme reaches here.
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only)
            body = response.read(_MAX_BYTES + 1)
    except (OSError, ValueError):
        return None
    if len(body) > _MAX_BYTES:
        return None
    try:
        parsed: object = json.loads(body)
    except ValueError:
        return None
    return parsed


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _npm(config: RegistryConfig, name: str, now: datetime) -> PackageStatus | None:
    data = _get_json(
        f"{config.npm_url.rstrip('/')}/{urllib.parse.quote(name, safe='@')}", config.timeout_seconds
    )
    if not isinstance(data, dict):
        return None
    times = data.get("time") if isinstance(data.get("time"), dict) else {}
    created = _parse_time(times.get("created")) if isinstance(times, dict) else None
    versions = data.get("versions") if isinstance(data.get("versions"), dict) else {}
    holding = (isinstance(versions, dict) and any(str(v).endswith("-security") for v in versions)) or (
        "security holding package" in str(data.get("description", "")).lower()
    )
    placeholder = "an npm security holding package" if holding else None
    return _status("npm", name, created, placeholder, now)


def _pypi(config: RegistryConfig, name: str, now: datetime) -> PackageStatus | None:
    url = f"{config.pypi_url.rstrip('/')}/pypi/{urllib.parse.quote(name)}/json"
    data = _get_json(url, config.timeout_seconds)
    if not isinstance(data, dict):
        return None
    releases = data.get("releases") if isinstance(data.get("releases"), dict) else {}
    uploads = [
        t
        for files in (releases.values() if isinstance(releases, dict) else [])
        if isinstance(files, list)
        for f in files
        if isinstance(f, dict) and (t := _parse_time(f.get("upload_time_iso_8601") or f.get("upload_time")))
    ]
    placeholder = (
        "a PyPI project with no released files" if isinstance(releases, dict) and not uploads else None
    )
    return _status("pypi", name, min(uploads) if uploads else None, placeholder, now)


def _status(
    ecosystem: str, name: str, created: datetime | None, placeholder: str | None, now: datetime
) -> PackageStatus:
    age = (now - created).days if created is not None else None
    return PackageStatus(ecosystem, name, created, placeholder, age)


def lookup_packages(
    config: RegistryConfig, npm: Iterable[str], pypi: Iterable[str], now: datetime | None = None
) -> tuple[PackageStatus, ...]:
    """Registry facts for the declared packages (those the registry answered for)."""
    moment = now or datetime.now(UTC)
    found: list[PackageStatus] = []
    for name in sorted(set(npm))[: config.max_packages]:
        status = _npm(config, name, moment)
        if status is not None:
            found.append(status)
    # PEP 503 names: `fresh_helper` and `Fresh.Helper` are the project `fresh-helper`.
    for name in sorted({re.sub(r"[-_.]+", "-", n).lower() for n in pypi})[: config.max_packages]:
        status = _pypi(config, name, moment)
        if status is not None:
            found.append(status)
    return tuple(found)
