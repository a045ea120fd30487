"""The Python side of the repository context: module index, roots, manifests."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from scanners.project.dist_names import import_names_for
from scanners.project.python import PythonProject, build_python_project
from scanners.project.python_deps import lowest_python, requirement_name


def build(tmp_path: Path, files: dict[str, str]) -> PythonProject:
    for rel, text in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return build_python_project(tmp_path, files.keys())


def declared(project: PythonProject) -> set[str]:
    return {dep.name for dep in project.dependencies}


def test_it_indexes_a_flat_layout_with_packages_and_modules(tmp_path: Path) -> None:
    project = build(tmp_path, {"shop/__init__.py": "", "shop/orders.py": "", "manage.py": ""})
    assert {"shop", "shop.orders", "manage"} <= project.modules
    assert project.module_bases["shop.orders"] == ("shop/orders",)


def test_it_indexes_a_src_layout(tmp_path: Path) -> None:
    project = build(tmp_path, {"src/shop/__init__.py": "", "src/shop/orders.py": "", "pyproject.toml": ""})
    assert "src" in project.import_roots
    assert {"shop", "shop.orders"} <= project.modules


def test_it_indexes_namespace_packages_without_init(tmp_path: Path) -> None:
    project = build(tmp_path, {"company/billing/invoices.py": ""})
    assert {"company", "company.billing", "company.billing.invoices"} <= project.modules


def test_it_finds_several_roots_such_as_a_backend_directory(tmp_path: Path) -> None:
    project = build(
        tmp_path,
        {
            "backend/manage.py": "",
            "backend/app/__init__.py": "",
            "backend/app/models.py": "",
            "frontend/x.js": "",
        },
    )
    assert "backend" in project.import_roots
    assert {"app", "app.models", "backend.app.models"} <= project.modules


def test_it_does_not_make_a_regular_package_an_import_root(tmp_path: Path) -> None:
    project = build(tmp_path, {"shop/__init__.py": "", "shop/orders.py": ""})
    assert "shop" not in project.import_roots
    assert "orders" not in project.modules


def test_it_indexes_compiled_modules_as_opaque(tmp_path: Path) -> None:
    project = build(tmp_path, {"fast/__init__.py": "", "fast/_speedups.cpython-311-x86_64-linux-gnu.so": ""})
    assert "fast._speedups" in project.modules
    assert "fast/_speedups" in project.opaque_modules


def test_it_reads_requirements_with_includes_extras_markers_and_editables(tmp_path: Path) -> None:
    project = build(
        tmp_path,
        {
            "requirements.txt": (
                "# runtime\n"
                "-r requirements/base.txt\n"
                "--constraint constraints.txt\n"
                "--index-url https://pypi.example.org/simple\n"
                "requests[socks]>=2.31 ; python_version >= '3.8'  # http\n"
                "-e git+https://github.com/org/tool.git#egg=inhouse-tool\n"
                "-e .\n"
                "django-cors-headers==4.3 \\\n"
                "    --hash=sha256:abc\n"
            ),
            "requirements/base.txt": "PyYAML==6.0\n",
            "constraints.txt": "urllib3<3\n",
            "requirements-dev.txt": "pytest\n",
        },
    )
    assert declared(project) == {
        "requests",
        "inhouse-tool",
        "django-cors-headers",
        "PyYAML",
        "urllib3",
        "pytest",
    }
    assert {"yaml", "corsheaders", "requests", "inhouse_tool"} <= project.dependency_imports
    assert project.declares_dependencies


def test_it_reads_a_requirements_directory(tmp_path: Path) -> None:
    project = build(tmp_path, {"requirements/prod.txt": "celery\n", "requirements/dev.in": "ipython\n"})
    assert declared(project) == {"celery", "ipython"}


def test_it_reads_pyproject_project_optional_and_dependency_groups(tmp_path: Path) -> None:
    project = build(
        tmp_path,
        {
            "pyproject.toml": (
                "[build-system]\nrequires = ['hatchling']\n"
                "[project]\nname = 'shop'\nrequires-python = '>=3.10,<4'\n"
                "dependencies = ['httpx>=0.27', 'beautifulsoup4']\n"
                "[project.optional-dependencies]\nimages = ['Pillow']\n"
                "[dependency-groups]\ntest = ['pytest', {include-group = 'lint'}]\nlint = ['ruff']\n"
            )
        },
    )
    assert declared(project) == {"httpx", "beautifulsoup4", "Pillow", "pytest", "ruff", "hatchling"}
    assert {"bs4", "PIL"} <= project.dependency_imports
    assert project.requires_python == (3, 10)
    assert project.own_distributions == ("shop",)


def test_a_pyproject_for_tool_configuration_only_declares_nothing(tmp_path: Path) -> None:
    project = build(
        tmp_path,
        {"pyproject.toml": "[tool.ruff]\nline-length = 100\n[build-system]\nrequires = ['setuptools']\n"},
    )
    assert not project.declares_dependencies


def test_it_reads_poetry_dependencies_groups_and_python(tmp_path: Path) -> None:
    project = build(
        tmp_path,
        {
            "pyproject.toml": (
                "[tool.poetry]\nname = 'shop'\n"
                "[tool.poetry.dependencies]\npython = '^3.9'\npython-dateutil = '^2.8'\n"
                "[tool.poetry.group.dev.dependencies]\nfactory-boy = '*'\n"
                "[tool.poetry.dev-dependencies]\nblack = '*'\n"
            )
        },
    )
    assert declared(project) == {"python-dateutil", "factory-boy", "black"}
    assert {"dateutil", "factory"} <= project.dependency_imports
    assert project.requires_python == (3, 9)


def test_it_reads_setup_cfg(tmp_path: Path) -> None:
    project = build(
        tmp_path,
        {
            "setup.cfg": (
                "[metadata]\nname = shop\n"
                "[options]\npython_requires = >=3.8\ninstall_requires =\n    scikit-learn>=1.0\n    numpy\n"
                "[options.extras_require]\nsecurity = pyjwt[crypto]\n"
            )
        },
    )
    assert declared(project) == {"scikit-learn", "numpy", "pyjwt"}
    assert {"sklearn", "jwt"} <= project.dependency_imports
    assert project.requires_python == (3, 8)


def test_it_reads_literal_setup_py_keywords_without_executing_it(tmp_path: Path) -> None:
    project = build(
        tmp_path,
        {
            "setup.py": (
                "import sys\nfrom setuptools import setup\n"
                "REQUIRES = ['opencv-python', 'python-dotenv']\n"
                "sys.exit('never run')\n"
                "setup(name='shop', install_requires=REQUIRES, python_requires='>=3.7',\n"
                "      extras_require={'mq': ['pyzmq'] + ['pika']})\n"
            )
        },
    )
    assert declared(project) == {"opencv-python", "python-dotenv", "pyzmq", "pika"}
    assert {"cv2", "dotenv", "zmq"} <= project.dependency_imports
    assert project.requires_python == (3, 7)
    assert project.dependencies_complete


def test_a_setup_py_that_computes_its_requirements_is_incomplete(tmp_path: Path) -> None:
    project = build(
        tmp_path,
        {"setup.py": "from setuptools import setup\nsetup(install_requires=open('deps').read().split())\n"},
    )
    assert not project.dependencies_complete


def test_it_reads_a_pipfile(tmp_path: Path) -> None:
    project = build(
        tmp_path,
        {
            "Pipfile": (
                "[packages]\nflask = '*'\n[dev-packages]\npytest = '*'\n[requires]\npython_version = '3.11'\n"
            )
        },
    )
    assert declared(project) == {"flask", "pytest"}
    assert project.requires_python == (3, 11)


def test_the_root_manifest_decides_requires_python(tmp_path: Path) -> None:
    project = build(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'a'\nrequires-python = '>=3.12'\n",
            "tools/sub/pyproject.toml": "[project]\nname = 'b'\nrequires-python = '>=3.8'\n",
        },
    )
    assert project.requires_python == (3, 12)


def test_a_repository_without_manifests_declares_nothing(tmp_path: Path) -> None:
    project = build(tmp_path, {"app.py": "import requests\n"})
    assert not project.declares_dependencies
    assert project.requires_python is None


def test_manifests_inside_vendored_trees_are_ignored(tmp_path: Path) -> None:
    project = build(tmp_path, {"vendor/lib/requirements.txt": "numpy\n"})
    assert not project.declares_dependencies


@pytest.mark.parametrize(
    ("specifier", "expected"),
    [
        (">=3.9", (3, 9)),
        (">= 3.12", (3, 12)),
        (">=3.8,<4", (3, 8)),
        ("~=3.10", (3, 10)),
        ("^3.11", (3, 11)),
        ("==3.11.*", (3, 11)),
        (">=3.7, !=3.8.0", (3, 7)),
        ("^3.8 || ^3.10", (3, 8)),
        ("<4", None),
        ("", None),
    ],
)
def test_lowest_python_reads_the_floor_of_a_specifier(
    specifier: str, expected: tuple[int, int] | None
) -> None:
    assert lowest_python(specifier) == expected


@pytest.mark.parametrize(
    ("spec", "name"),
    [
        ("requests[socks]>=2 ; python_version<'3.12'", "requests"),
        ("pkg @ https://example.org/pkg-1.0.tar.gz", "pkg"),
        ("git+https://example.org/repo.git#egg=my-pkg", "my-pkg"),
        ("./local/path", None),
    ],
)
def test_requirement_name_extracts_the_distribution(spec: str, name: str | None) -> None:
    assert requirement_name(spec) == name


@pytest.mark.parametrize(
    ("dist", "module"),
    [
        ("PyYAML", "yaml"),
        ("beautifulsoup4", "bs4"),
        ("scikit-learn", "sklearn"),
        ("Pillow", "PIL"),
        ("python-dateutil", "dateutil"),
        ("opencv-python", "cv2"),
        ("PyJWT", "jwt"),
        ("attrs", "attr"),
        ("protobuf", "google"),
        ("google-cloud-storage", "google"),
        ("psycopg2-binary", "psycopg2"),
        ("msgpack-python", "msgpack"),
        ("pywin32", "win32api"),
        ("setuptools", "pkg_resources"),
        ("typing-extensions", "typing_extensions"),
        ("djangorestframework", "rest_framework"),
        ("django-environ", "environ"),
        ("pyserial", "serial"),
        ("pycryptodome", "Crypto"),
        ("Foo-Bar", "foo_bar"),
        ("zope.interface", "zope"),
    ],
)
def test_distribution_names_map_to_import_names(dist: str, module: str) -> None:
    assert module in import_names_for(dist)


def test_the_project_is_picklable(tmp_path: Path) -> None:
    project = build(tmp_path, {"shop/__init__.py": "", "requirements.txt": "requests\n"})
    _ = project.module_bases  # a cached view must not break pickling
    clone = pickle.loads(pickle.dumps(project))  # noqa: S301 - our own bytes, as the process pool does
    assert clone.modules == project.modules
    assert clone.dependencies == project.dependencies


def test_a_flat_layout_answers_every_root_without_a_table_of_names(tmp_path: Path) -> None:
    project = build(tmp_path, {"a/b/c.py": "", "a/b/settings.local.py": "", "lib/x.pyi": "", "a/9bad.py": ""})
    index = project.module_bases
    assert index["c"] == ("a/b/c",)
    assert index["b.c"] == ("a/b/c",)
    assert index.get("a.b.c") == ("a/b/c",)
    assert index.get("settings") == ("a/b/settings",)  # the stem before the first dot, as Python
    assert index.get("x") == ("lib/x",)
    assert index.get("lib.x") == ("lib/x",)
    assert index.get("9bad") is None
    assert index.get("a.9bad") is None
    assert index.get("b.x") is None
    assert "c.b" not in index
    assert project.top_level_modules == {"a", "b", "c", "settings", "lib", "x"}
    assert set(index) == project.modules == {
        "a", "a.b", "a.b.c", "a.b.settings", "b", "b.c", "b.settings", "c", "settings", "lib", "lib.x", "x"
    }  # fmt: skip
