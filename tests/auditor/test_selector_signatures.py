"""Selectors read data for any caller (views, tasks, commands, the API): none takes a request."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import auditor.selectors


def _selector_functions() -> list[tuple[str, inspect.Signature]]:
    found = []
    for info in pkgutil.iter_modules(auditor.selectors.__path__):
        module = importlib.import_module(f"auditor.selectors.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__:
                found.append((f"{info.name}.{name}", inspect.signature(fn)))
    return found


def test_no_selector_takes_a_request() -> None:
    functions = _selector_functions()
    assert len(functions) > 20  # the package was read

    offenders = [
        name
        for name, signature in functions
        for param in signature.parameters.values()
        if param.name == "request" or "HttpRequest" in str(param.annotation)
    ]
    assert offenders == []
