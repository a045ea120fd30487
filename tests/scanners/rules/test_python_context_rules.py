"""AI101 unresolved-import, AI102 undeclared-dependency, AI103 naming-drift."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanners.rules.python.context_rules import NamingDrift, UndeclaredDependency, UnresolvedImport
from tests.scanners.rules.harness import hit_lines, run_rule

AI101 = UnresolvedImport()
AI102 = UndeclaredDependency()
AI103 = NamingDrift()


def lines(
    rule: Any, code: str, tmp_path: Path, files: dict[str, str], filename: str = "app/example.py"
) -> list[int]:
    return hit_lines(run_rule(rule, code, tmp_path, filename=filename, extra_files=files))


def test_messages_name_the_missing_thing_and_the_manifest(tmp_path: Path) -> None:
    (hit,) = run_rule(AI102, "import reqeusts\n", tmp_path, extra_files={"requirements.txt": "requests\n"})
    assert "`reqeusts`" in hit.message
    assert "requirements.txt" in hit.message
    assert "Did you mean `requests`?" in hit.message
    assert hit.snippet == "import reqeusts"


# --- AI101: the repository -----------------------------------------------------------------

SERVICE = {
    "service/__init__.py": "",
    "service/helpers/__init__.py": "",
    "service/helpers/validation.py": "def validate(x):\n    return x\n",
}


def test_a_missing_repo_module_is_ai101_not_ai102(tmp_path: Path) -> None:
    code = "from service.utils.validation import validate\n"
    files = {**SERVICE, "requirements.txt": "requests\n"}
    assert lines(AI101, code, tmp_path / "a", files) == [1]
    assert lines(AI102, code, tmp_path / "b", files) == []


def test_import_statement_of_a_missing_submodule_is_flagged(tmp_path: Path) -> None:
    assert lines(AI101, "import service.helpers.sanitize\n", tmp_path, SERVICE) == [1]


def test_it_resolves_a_src_layout(tmp_path: Path) -> None:
    files = {"src/shop/__init__.py": "", "src/shop/cart.py": "def total(items):\n    return 0\n"}
    code = "from shop.cart import total\nfrom shop.cart import subtotal\n"
    assert lines(AI101, code, tmp_path, files, filename="src/shop/api.py") == [2]


def test_it_resolves_a_backend_root_and_namespace_packages(tmp_path: Path) -> None:
    files = {"backend/app/models.py": "class User:\n    pass\n", "backend/manage.py": ""}
    code = "from app.models import User\nfrom app.models import Order\nfrom backend.app.models import User\n"
    assert lines(AI101, code, tmp_path, files, filename="backend/app/views.py") == [2]


def test_relative_imports_resolve_against_the_files_package(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "VERSION = 1\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/tools.py": "def hammer():\n    pass\n",
        "pkg/other.py": "x = 1\n",
    }
    code = (
        "from . import tools\n"
        "from .tools import hammer\n"
        "from .. import VERSION, other\n"
        "from ..other import x\n"
        "from .tools import saw\n"
        "from ..missing import y\n"
        "from . import drill\n"
    )
    assert lines(AI101, code, tmp_path, files, filename="pkg/sub/api.py") == [5, 6, 7]


def test_names_bound_anyhow_at_module_level_are_defined(tmp_path: Path) -> None:
    module = (
        "import os\n"
        "from json import loads as parse\n"
        "try:\n    import ujson as fast\nexcept ImportError:\n    fast = None\n"
        "if os.name == 'nt':\n    def run():\n        pass\nelse:\n    run = None\n"
        "for loop_var in range(2):\n    pass\n"
        "with open(__file__) as handle:\n    pass\n"
        "a, (b, *c) = 1, (2, 3)\n"
        "count: int = 0\n"
        "class Config:\n    pass\n"
        "def setup():\n    global late\n    late = 1\n"
        "__all__ = ['exported']\n__all__ += ['more']\n__all__.append('appended')\n"
    )
    names = "os, parse, fast, run, loop_var, handle, a, b, c, count, Config, setup, late, "
    names += "exported, more, appended"
    files = {"lib/__init__.py": "", "lib/mod.py": module}
    assert lines(AI101, f"from lib.mod import {names}\nfrom lib.mod import absent\n", tmp_path, files) == [2]


@pytest.mark.parametrize(
    "module",
    [
        "from .impl import *\n",
        "def __getattr__(name):\n    return name\n",
        "globals().update(dict(a=1))\n",
    ],
    ids=["star-import", "module-getattr", "globals"],
)
def test_modules_with_dynamic_names_accept_any_name(module: str, tmp_path: Path) -> None:
    files = {"lib/__init__.py": "", "lib/impl.py": "thing = 1\n", "lib/mod.py": module}
    assert lines(AI101, "from lib.mod import thing, whatever\n", tmp_path, files) == []


def test_guarded_repo_imports_are_not_flagged(tmp_path: Path) -> None:
    code = (
        "from typing import TYPE_CHECKING\n"
        "try:\n    from service.speedups import fast\n"
        "except (ImportError, AttributeError):\n    fast = None\n"
        "if TYPE_CHECKING:\n    from service.types import Alias\n"
    )
    assert lines(AI101, code, tmp_path, SERVICE) == []


def test_vendored_packages_are_not_checked(tmp_path: Path) -> None:
    files = {**SERVICE, "requirements.txt": "requests\n"}
    code = "from service.nowhere import x\nimport left_pad\n"
    assert lines(AI101, code, tmp_path / "a", files, filename="service/_vendor/lib/core.py") == []
    assert lines(AI102, code, tmp_path / "b", files, filename="third_party/lib/core.py") == []


def test_build_time_generated_and_compiled_modules_are_accepted(tmp_path: Path) -> None:
    files = {
        "fast/__init__.py": "",
        "fast/_speedups.c": "",
        "fast/_core.cpython-311-x86_64-linux-gnu.so": "",
    }
    code = "from fast._version import version\nfrom fast._speedups import f\nfrom fast._core import g\n"
    assert lines(AI101, code, tmp_path, files, filename="fast/api.py") == []


def test_module_attributes_can_be_imported(tmp_path: Path) -> None:
    assert lines(AI101, "from service.helpers import __file__ as where\n", tmp_path, SERVICE) == []


def test_tests_are_checked_for_missing_repo_modules(tmp_path: Path) -> None:
    code = "from service.helpers.validation import validate, sanitize\n"
    assert lines(AI101, code, tmp_path, SERVICE, filename="tests/test_validation.py") == [1]


# --- AI102: declared dependencies ------------------------------------------------------------

REQS = {"requirements.txt": "requests\nDjango\n"}


def test_a_repository_that_declares_nothing_gets_no_ai102(tmp_path: Path) -> None:
    assert lines(AI102, "import numpy\nimport reqeusts\n", tmp_path, {"app/__init__.py": ""}) == []


def test_a_repository_whose_setup_py_computes_requirements_gets_no_ai102(tmp_path: Path) -> None:
    files = {"setup.py": "from setuptools import setup\nsetup(install_requires=open('r').read().split())\n"}
    assert lines(AI102, "import numpy\n", tmp_path, files) == []


@pytest.mark.parametrize(
    "code",
    [
        "try:\n    import numpy\nexcept ImportError:\n    numpy = None\n",
        "try:\n    import numpy\nexcept (ValueError, ModuleNotFoundError):\n    numpy = None\n",
        "try:\n    import numpy\nexcept Exception:\n    numpy = None\n",
        "try:\n    import ujson as json\nexcept ImportError:\n    import simplejson as json\n",
        "import contextlib\nwith contextlib.suppress(ImportError):\n    import numpy\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import numpy\n",
        "import typing\nif typing.TYPE_CHECKING:\n    import numpy\n",
        "import sys\nif sys.platform == 'win32':\n    import win32api\n",
        "import os\nif os.name == 'nt':\n    import win32con\n",
        "import sys\nif sys.version_info < (3, 11):\n    import tomli as tomllib\n",
        "def load():\n    import numpy\n    return numpy\n",
        "def load():\n    try:\n        import numpy\n    except ImportError:\n        return None\n",
        (
            "try:\n    import simplejson\n    HAS = True\nexcept ImportError:\n    HAS = False\n"
            "if HAS:\n    from simplejson import JSONDecodeError\n"
        ),
        "import msvcrt\nimport _winapi\nimport winreg\nfrom __future__ import annotations\n",
        "import requests.adapters\nfrom requests import Session\n",
        "from django.conf import settings\nif settings.DEBUG:\n    import debug_toolbar\n",
    ],
    ids=[
        "try-importerror",
        "try-tuple",
        "try-exception",
        "fallback-import",
        "suppress",
        "type-checking",
        "typing-type-checking",
        "sys-platform",
        "os-name",
        "version-info",
        "function-level",
        "function-guarded",
        "flag-from-guarded-import",
        "stdlib-other-platforms",
        "declared",
        "settings-flag",
    ],
)
def test_optional_and_declared_imports_are_not_ai102(code: str, tmp_path: Path) -> None:
    assert lines(AI102, code, tmp_path, REQS) == []


@pytest.mark.parametrize(
    "filename",
    [
        "tests/test_api.py",
        "conftest.py",
        "app/tests/helpers.py",
        "docs/conf.py",
        "noxfile.py",
        "setup.py",
        "test_x.py",
    ],
)
def test_tests_and_tool_files_are_not_ai102(filename: str, tmp_path: Path) -> None:
    assert lines(AI102, "import pytest\nimport hypothesis\n", tmp_path, REQS, filename=filename) == []


def test_distribution_names_map_to_their_import_names(tmp_path: Path) -> None:
    files = {
        "requirements.txt": "PyYAML\nbeautifulsoup4\nscikit-learn\nPillow\ndjango-cors-headers\nMy-Lib\n",
        "pyproject.toml": "[tool.poetry.dependencies]\npython = '^3.11'\npython-dateutil = '*'\n",
    }
    code = (
        "import yaml\nimport bs4\nimport sklearn\nfrom PIL import Image\n"
        "import corsheaders\nimport my_lib\nimport dateutil\n"
    )
    assert lines(AI102, code, tmp_path, files) == []


def test_requirements_included_with_r_count(tmp_path: Path) -> None:
    files = {"requirements.txt": "-r requirements/base.txt\n", "requirements/base.txt": "numpy\n"}
    assert lines(AI102, "import numpy\nimport pandas\n", tmp_path, files) == [2]


def test_an_integration_module_named_after_its_package_is_not_flagged(tmp_path: Path) -> None:
    code = "import jinja2\nimport yaml\n"
    assert lines(AI102, code, tmp_path / "a", REQS, filename="app/backends/jinja2.py") == [2]
    assert lines(AI102, code, tmp_path / "b", REQS, filename="app/serializers/pyyaml.py") == [1]


def test_the_repositorys_own_distribution_is_not_undeclared(tmp_path: Path) -> None:
    files = {"pyproject.toml": "[project]\nname = 'my-tool'\ndependencies = []\n"}
    assert lines(AI102, "import my_tool\nimport other\n", tmp_path, files) == [2]


# --- AI103: naming drift ----------------------------------------------------------------------

SNAKE_REPO = {"app/orders.py": AI103.example_files["app/orders.py"]}


def test_naming_drift_needs_enough_names_for_a_convention(tmp_path: Path) -> None:
    small = {"app/orders.py": "def load_order():\n    pass\n"}
    assert lines(AI103, "def getUserData():\n    pass\n", tmp_path, small) == []


def test_framework_overrides_are_not_drift(tmp_path: Path) -> None:
    code = (
        "import ast\nimport unittest\nfrom http.server import BaseHTTPRequestHandler\n"
        "from PyQt5.QtWidgets import QWidget\n\n"
        "class Visitor(ast.NodeVisitor):\n    def visit_Name(self, node):\n        pass\n\n"
        "class Tests(unittest.TestCase):\n    def setUp(self):\n        pass\n"
        "    def assertValid(self, x):\n        pass\n\n"
        "class Handler(BaseHTTPRequestHandler):\n    def do_GET(self):\n        pass\n\n"
        "class Canvas(QWidget):\n    def paintEvent(self, event):\n        pass\n"
        "    def sizeHint(self):\n        pass\n\n"
        "class Base(Canvas):\n    def mousePressEvent(self, event):\n        pass\n"
    )
    assert lines(AI103, code, tmp_path, SNAKE_REPO) == []


def test_camel_case_methods_of_repository_classes_are_drift(tmp_path: Path) -> None:
    methods = "".join(f"    def method_{i}(self):\n        pass\n" for i in range(25))
    files = {"app/models.py": f"class Model:\n{methods}"}
    code = "from app.models import Model\n\nclass User(Model):\n    def getFullName(self):\n        pass\n"
    hits = run_rule(AI103, code, tmp_path, extra_files=files)
    assert hit_lines(hits) == [4]
    assert "of the 26 method names" in hits[0].message


def test_snake_case_class_in_a_pascal_case_repository_is_drift(tmp_path: Path) -> None:
    classes = "".join(f"class Model{i}:\n    pass\n" for i in range(25))
    files = {"app/models.py": classes}
    code = (
        "class user_profile:  # expect\n    pass\n"
        "class cached_value:\n    def __get__(self, obj, cls):\n        pass\n"
        "class lazy_str(str):\n    pass\n"
        "def make():\n    class local_stub:\n        pass\n"
    )
    assert lines(AI103, code, tmp_path, files) == [1]


def test_constants_type_aliases_dunders_and_private_prefixes_are_not_drift(tmp_path: Path) -> None:
    code = (
        "MAX_RETRIES = 3\nUserId = int\n__version__ = '1'\n_cache = {}\n"
        "def _load_all():\n    pass\ndef __helper__():\n    pass\ndef f():\n    pass\n"
        "def main():\n    pass\ndef testLoginWorks():\n    pass\n"
    )
    assert lines(AI103, code, tmp_path, SNAKE_REPO) == []


def test_a_camel_case_repository_flags_snake_case_functions(tmp_path: Path) -> None:
    camel = "".join(f"def loadItem{i}(value):\n    return value\n" for i in range(25))
    hits = run_rule(AI103, "def load_user():\n    pass\n", tmp_path, extra_files={"app/qt.py": camel})
    assert hit_lines(hits) == [1]
    assert "are camelCase" in hits[0].message
    assert "`loadUser`" in hits[0].message
