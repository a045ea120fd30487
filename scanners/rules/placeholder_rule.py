"""AI116 placeholder-package: a declared dependency that is a placeholder on its registry."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from typing import Any

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.paths import read_text_inside
from scanners.project.context import RepoContext
from scanners.project.placeholder_packages import BY_KEY, LIST_DATE
from scanners.project.registry import PackageStatus
from scanners.rules.base import Hit
from scanners.source import SourceFile

_MANIFEST_BYTES = 1024 * 1024


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _line_of(root: str, manifest: str, name: str, quoted: bool) -> tuple[int, str]:
    """Line (1-based) and text of the manifest line that declares `name`."""
    text = read_text_inside(root, manifest, _MANIFEST_BYTES) or ""
    wanted = _normalise(name)
    for number, line in enumerate(text.splitlines(), start=1):
        if quoted:
            if f'"{name}"' in line:
                return number, line.strip()
        elif any(_normalise(word) == wanted for word in re.findall(r"[A-Za-z0-9][A-Za-z0-9._-]*", line)[:3]):
            return number, line.strip()
    return 1, name


class PlaceholderPackage:
    """AI116: `sklearn`, `huggingface-cli`, npm `fs`… declared as dependencies."""

    meta = RuleMeta(
        id="AI116",
        name="placeholder-package",
        title="Declared dependency is a placeholder, not the library",
        category=Category.CONTEXT,
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        what=(
            "Flags, in requirements files, pyproject/setup.cfg/Pipfile and package.json, a "
            "dependency whose registry name is a known placeholder — a maintained, dated list "
            f"shipped with the engine (reviewed {LIST_DATE}: PyPI `sklearn`, `huggingface-cli`; "
            "npm `fs`, `crypto`, `child_process`) — and, when the scan enables the optional "
            "registry lookup (off by default), any declared package registered less than 30 "
            "days ago or held as a placeholder (npm `0.0.1-security`, a PyPI project without "
            "files)."
        ),
        why=(
            "Assistants name packages that sound right; attackers and researchers register "
            "those names ('slopsquatting'), and stubs sit on the names of built-ins. The "
            "install then succeeds with the wrong code, or fails on the first deploy."
        ),
        example="sklearn==0.0  # expect: AI116\nrequests==2.32.3\n",
        use_instead="scikit-learn==1.5.2\nrequests==2.32.3\n",
    )
    example_filename = "requirements.txt"

    def collect(self, source: SourceFile, context: RepoContext) -> Any:
        return None  # the manifests are in the context already

    def conclude(self, facts: Mapping[str, Any], context: RepoContext) -> Iterator[tuple[str, Hit]]:
        statuses = {(s.ecosystem, _normalise(s.name)): s for s in context.registry}
        for dependency in context.python.dependencies:
            yield from self._judge("pypi", dependency.name, dependency.source, False, statuses, context)
        for manifest in context.js.manifests:
            path = (
                posixpath.join(manifest.directory, "package.json") if manifest.directory else "package.json"
            )
            for name in sorted(manifest.packages):
                yield from self._judge("npm", name, path, True, statuses, context)

    def _judge(
        self,
        ecosystem: str,
        name: str,
        manifest: str,
        quoted: bool,
        statuses: dict[tuple[str, str], PackageStatus],
        context: RepoContext,
    ) -> Iterator[tuple[str, Hit]]:
        known = BY_KEY.get((ecosystem, name.lower()))
        status = statuses.get((ecosystem, _normalise(name)))
        if known is not None:
            message = (
                f"`{name}` on {ecosystem} is a placeholder ({known.why}); use {known.use_instead} "
                f"(list of {LIST_DATE}; source: {known.source})"
            )
        elif status is not None and status.placeholder:
            message = f"`{name}` on {ecosystem} is {status.placeholder} (registry lookup): not the library"
        elif (
            status is not None
            and status.age_days is not None
            and status.age_days < context.registry_min_age_days
        ):
            message = (
                f"`{name}` was first published on {ecosystem} {status.age_days} days ago (registry lookup): "
                "a name this new is often registered after assistants hallucinated it; check that "
                "it is the project you mean"
            )
        else:
            return
        line, snippet = _line_of(context.root, manifest, name, quoted)
        yield manifest, Hit(line=line, message=message, snippet=snippet)
