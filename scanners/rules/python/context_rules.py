"""Python rules for the context category: what the model could not see of the repository.

AI101 and AI102 resolve every import against the repository index, the standard library
and the declared dependencies (see imports_resolve.py); AI103 measures the repository's
naming conventions (see naming.py). All three are repo rules: `collect` runs per file on
the shared tree, `conclude` once over the facts of every file.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from typing import Any

from scanners.model import Category, Confidence, RuleMeta, ScannerId, Severity
from scanners.project.context import RepoContext
from scanners.rules.base import Hit
from scanners.rules.python.imports import ModuleFacts, collect_module_facts
from scanners.rules.python.imports_resolve import UNDECLARED, UNRESOLVED, Problem, Resolver
from scanners.rules.python.naming import NamingFacts, collect_naming_facts, naming_drift
from scanners.source import PYTHON, SourceFile

_APP_FILES = {
    "requirements.txt": "requests==2.32.3\n",
    "app/__init__.py": "",
    "app/helpers/__init__.py": "",
    "app/helpers/validation.py": "def validate_user_input(data):\n    return dict(data)\n",
    "app/services/__init__.py": "from .users import fetch_user\n",
    "app/services/users.py": "def fetch_user(user_id):\n    return {'id': user_id}\n",
}

_SNAKE_CASE_MODULE = "".join(
    f"def {name}(value):\n    return value\n\n\n"
    for name in (
        "fetch_user_info",
        "load_settings",
        "parse_header",
        "render_page",
        "send_email",
        "build_query",
        "save_order",
        "cancel_order",
        "list_orders",
        "get_order",
        "update_user",
        "delete_user",
        "create_user",
        "normalize_email",
        "hash_token",
        "check_quota",
        "refresh_cache",
        "read_config",
        "write_report",
        "format_price",
        "apply_discount",
        "validate_address",
        "archive_order",
        "restore_order",
        "export_csv",
        "import_csv",
        "send_invoice",
        "mark_paid",
        "refund_payment",
        "compute_tax",
        "round_amount",
        "parse_date",
        "to_utc",
        "slugify_title",
        "strip_tags",
        "truncate_text",
        "encode_cursor",
        "decode_cursor",
        "paginate",
        "sort_items",
        "filter_active",
        "group_by_owner",
        "merge_carts",
        "reserve_stock",
        "release_stock",
    )
)


# AI101 and AI102 conclude over the same facts (collect_module_facts hands both the same
# objects): the problems are found once per scan and each rule keeps its own. Keyed by the
# context's id, and dropped when that context is freed, so no later scan can match it.
_PROBLEMS: dict[int, tuple[dict[str, Any], list[Problem]]] = {}


def _problems(facts: Mapping[str, Any], context: RepoContext) -> list[Problem]:
    python_facts = {path: f for path, f in facts.items() if f is None or isinstance(f, ModuleFacts)}
    known = _PROBLEMS.get(id(context))
    same = known is not None and known[0].keys() == python_facts.keys()
    if known is not None and same and all(known[0][p] is value for p, value in python_facts.items()):
        return known[1]
    problems = list(Resolver(python_facts, context.python, context.paths).problems())
    if known is None:
        weakref.finalize(context, _PROBLEMS.pop, id(context), None)
    _PROBLEMS[id(context)] = (python_facts, problems)
    return problems


def _resolve(facts: Mapping[str, Any], context: RepoContext, rule: str) -> Iterator[tuple[str, Hit]]:
    for problem in _problems(facts, context):
        if problem.rule == rule:
            fact = problem.fact
            yield (
                problem.path,
                Hit(line=fact.line, column=fact.column, message=problem.message, snippet=fact.snippet),
            )


class UnresolvedImport:
    """AI101: an import that points into the repository at something that is not there."""

    meta = RuleMeta(
        id="AI101",
        name="unresolved-import",
        title="Import of a module or name the repository does not define",
        category=Category.CONTEXT,
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        scanner=ScannerId.AI_RULES,
        what=(
            "Resolves every import against the repository itself: the modules and packages under "
            "each import root (flat and `src/` layouts, namespace packages, several roots such as "
            "`backend/`), including relative imports. Flags `from pkg.sub import name` when "
            "`pkg.sub` is not a module of the repository, or when `name` is neither a submodule nor "
            "bound at module level of `pkg/sub.py` (definitions, imports, assignments, `__all__`). "
            "Modules with a star import, a module `__getattr__` or `globals()` tricks are trusted. "
            "Imports guarded by `try/except ImportError`, `if TYPE_CHECKING:` or platform/version "
            "checks, and vendored directories, are skipped; test files are checked too, because a "
            "test importing a module that does not exist is broken as well."
        ),
        why=(
            "The model sees only part of the codebase (ai-code-failures.md, 'The Context Window "
            "Problem'): it imports `validateUserInput` from `@/utils/validation` when the project "
            "has `@/helpers/validation`, or a `sanitizeHTML` that exists nowhere. These failures are "
            "silent until the import runs."
        ),
        example=(
            "from app.helpers.validation import validate_user_input\n"
            "from app.utils.validation import validate_user_input  # expect: AI101\n"
            "from app.helpers.security import sanitize_html  # expect: AI101\n"
            "from app.services import fetch_user, fetch_users  # expect: AI101\n"
            "from .helpers.validation import clean_input  # expect: AI101\n"
            "\n\n"
            "def process_user_data(data):\n"
            "    validated = validate_user_input(data)\n"
            "    return sanitize_html(validated['content'])\n"
        ),
        use_instead=(
            "from typing import TYPE_CHECKING\n"
            "\n"
            "from app.helpers.validation import validate_user_input\n"
            "from app.services import fetch_user\n"
            "from .helpers import validation\n"
            "\n"
            "try:\n"
            "    from app.helpers.speedups import fast_validate\n"
            "except ImportError:\n"
            "    fast_validate = None\n"
            "\n"
            "if TYPE_CHECKING:\n"
            "    from app.types import UserDict\n"
            "\n\n"
            "def process_user_data(user_id):\n"
            "    return validate_user_input(fetch_user(user_id)), validation\n"
        ),
        languages=("python",),
    )
    example_files = _APP_FILES

    def collect(self, source: SourceFile, context: RepoContext) -> ModuleFacts | None:
        return collect_module_facts(source) if source.language == PYTHON else None

    def conclude(self, facts: Mapping[str, Any], context: RepoContext) -> Iterator[tuple[str, Hit]]:
        yield from _resolve(facts, context, UNRESOLVED)


class UndeclaredDependency:
    """AI102: a third-party import that no declared dependency provides."""

    meta = RuleMeta(
        id="AI102",
        name="undeclared-dependency",
        title="Import of a package no declared dependency provides",
        category=Category.CONTEXT,
        severity=Severity.HIGH,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        what=(
            "Flags an import whose top-level name is not in the standard library, not a module of "
            "the repository and not provided by any declared dependency: requirements*.txt and "
            "requirements/ directories (with `-r`/`-c` includes and `-e …#egg=` lines), "
            "pyproject.toml (`[project]`, optional dependencies, `[dependency-groups]`, Poetry, "
            "PDM, uv, Hatch), setup.cfg, setup.py (literal values, never executed) and Pipfile. "
            "Distribution names are mapped to import names from installed package metadata, a "
            "maintained table (`PyYAML` → `yaml`, `beautifulsoup4` → `bs4`, `scikit-learn` → "
            "`sklearn`, …) and name normalisation. A repository that declares no dependencies at "
            "all, or computes them in setup.py, gets no finding: we cannot know what it installs. "
            "Tests, docs, examples, scripts and tool configuration files (conftest.py, setup.py, "
            "noxfile.py, docs/conf.py, …) are not checked either, since test and build tooling is "
            "commonly undeclared; nor are optional imports (`try/except ImportError`, "
            "`TYPE_CHECKING`, platform, version or feature-flag checks, lazy imports inside a "
            "function, the idiom for optional extras), vendored trees, or an integration module "
            "named after the package it wraps (`serializers/pyyaml.py` importing `yaml`). A "
            "missing module inside the repository is AI101's, never this rule's."
        ),
        why=(
            "The 'hallucinated package': the model imports libraries 'it assumes exist based on "
            "patterns from its training data — but aren't actually in your project' "
            "(ai-code-failures.md, 'Missing imports and dependencies'), or misspells one. The code "
            "works on the author's machine where the package happens to be installed and fails on "
            "a clean deployment."
        ),
        example=(
            "import requests\n"
            "import yaml\n"
            "from bs4 import BeautifulSoup\n"
            "import reqeusts  # expect: AI102\n"
            "from flask_limiter import Limiter  # expect: AI102\n"
        ),
        use_instead=(
            "import json\n"
            "import sys\n"
            "from typing import TYPE_CHECKING\n"
            "\n"
            "import requests\n"
            "import yaml\n"
            "from bs4 import BeautifulSoup\n"
            "\n"
            "try:\n"
            "    import ujson\n"
            "except ImportError:\n"
            "    ujson = None\n"
            "\n"
            "if sys.platform == 'win32':\n"
            "    import winreg_helpers\n"
            "\n"
            "if TYPE_CHECKING:\n"
            "    from mypy_boto3_s3 import S3Client\n"
        ),
        languages=("python",),
    )
    example_files = {"requirements.txt": "requests==2.32.3\nPyYAML>=6\nbeautifulsoup4\n"}

    def collect(self, source: SourceFile, context: RepoContext) -> ModuleFacts | None:
        return collect_module_facts(source) if source.language == PYTHON else None

    def conclude(self, facts: Mapping[str, Any], context: RepoContext) -> Iterator[tuple[str, Hit]]:
        yield from _resolve(facts, context, UNDECLARED)


class NamingDrift:
    """AI103: a name whose case style departs from the repository's convention for its kind."""

    meta = RuleMeta(
        id="AI103",
        name="naming-drift",
        title="Name departs from the repository's naming convention",
        category=Category.CONTEXT,
        severity=Severity.LOW,
        confidence=Confidence.MEDIUM,
        scanner=ScannerId.AI_RULES,
        what=(
            "Measures, over every Python file of the repository, the case style of each kind of "
            "name it defines — functions, methods, classes, module-level variables — and flags a "
            "name in another style when one style is a clear majority (at least 90% of at least "
            "20 names of that kind); the message gives the measured share. Not drift: dunder, "
            "single-letter and test names, `main`, constants (UPPER_CASE) and type aliases, "
            "camelCase methods of classes whose base class is defined outside the repository "
            "(framework overrides such as `setUp`, `visit_Name`, `do_GET`, Qt's `paintEvent`), a "
            "list of well-known callback names, overrides of a repository base class's method "
            "(the base definition is reported), and lowercase classes used as decorators, "
            "descriptors or context managers. Leading underscores are ignored."
        ),
        why=(
            "Models mix conventions from the many codebases they were trained on "
            "(ai-code-failures.md, 'Inconsistent naming conventions'): `def getUserData` in a "
            "codebase that uses snake_case everywhere. Each drift is small; together they make "
            "the code harder to search and review, and they mark code nobody adapted to the project."
        ),
        example=(
            "def getUserData(user_id):  # expect: AI103\n"
            "    user_info = fetch_user_info(user_id)\n"
            "    return user_info.getData()\n"
            "\n\n"
            "def loadUserPrefs(user_id):  # expect: AI103\n"
            "    return {'user': user_id}\n"
        ),
        use_instead=(
            "import ast\n"
            "import unittest\n"
            "\n\n"
            "def get_user_data(user_id):\n"
            "    user_info = fetch_user_info(user_id)\n"
            "    return user_info.get_data()\n"
            "\n\n"
            "class ImportCounter(ast.NodeVisitor):\n"
            "    def visit_Import(self, node):\n"
            "        self.generic_visit(node)\n"
            "\n\n"
            "class UserTests(unittest.TestCase):\n"
            "    def setUp(self):\n"
            "        self.user = get_user_data(1)\n"
        ),
        languages=("python",),
    )
    example_files = {"app/orders.py": _SNAKE_CASE_MODULE}

    def collect(self, source: SourceFile, context: RepoContext) -> NamingFacts | None:
        return collect_naming_facts(source) if source.language == PYTHON else None

    def conclude(self, facts: Mapping[str, Any], context: RepoContext) -> Iterator[tuple[str, Hit]]:
        python_facts = {path: f for path, f in facts.items() if isinstance(f, NamingFacts)}
        for path, fact, message in naming_drift(python_facts):
            yield path, Hit(line=fact.line, message=message, snippet=fact.snippet)
