"""The core app, `reform/`, imports no other app of the project: the apps depend on the core, never the reverse.

Every module of reform/ is parsed (migrations, settings and management commands included), and every import
counts wherever it is written: at the top, inside a function or a class, or as a literal given to
`import_module`/`import_string`/`__import__`. An app that needs the core to reach it registers itself at
`AppConfig.ready` (reform.task_access, reform.sweep, reform.services.write_guards, ...)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "reform"
APPS = frozenset({"documents", "meetings", "reporting", "reports", "imports", "demo", "portal"})
DYNAMIC = frozenset({"import_module", "import_string", "__import__"})


def app_imports(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import of one of APPS in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            names = [node.args[0].value] if name in DYNAMIC else []
        else:
            continue
        found += [(node.lineno, name) for name in names if name.split(".")[0] in APPS]
    return sorted(found)


def test_the_check_sees_imports_at_the_top_inside_functions_and_by_name():
    source = (
        "import os\nfrom . import models\nfrom .reports import x\nimport documents.models\n"
        "def f():\n    from reporting.models import Signal\n"
        "class C:\n    def g(self):\n        import imports as i\n"
        "x = importlib.import_module('meetings.models')\ny = import_string('demo.services.demo_data_load')\n"
        "z = import_string(dotted)\n"
    )
    assert app_imports(source) == [
        (4, "documents.models"), (6, "reporting.models"), (9, "imports"), (10, "meetings.models"),
        (11, "demo.services.demo_data_load"),
    ]


def test_the_core_imports_no_other_app():
    modules = sorted(CORE.rglob("*.py"))
    assert len(modules) > 30  # the whole package, not an empty glob
    found = [f"{path.relative_to(CORE.parent)}:{line} imports {name}"
             for path in modules for line, name in app_imports(path.read_text(encoding="utf-8"))]
    assert found == []


@pytest.mark.parametrize("app", sorted(APPS))
def test_every_app_named_is_an_app_of_the_project(app):
    """A renamed app would make the check above pass for nothing."""
    assert (CORE.parent / app / "apps.py").is_file()
