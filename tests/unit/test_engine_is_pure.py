"""The engine must stay importable without Django: every module is parsed and its imports checked."""

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "parindex" / "engine"
ALLOWED_ROOTS = {"__future__", "collections", "dataclasses", "decimal", "typing", "enum", "functools",
                 "itertools", "math", "datetime", "calendar", "re", "statistics", "parindex", "holidays",
                 "unicodedata", "bisect", "operator", "html", "contextlib", "copy", "threading", "ast", "contextvars",
                 "simpleeval"}  # fmt: skip


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
            if node.module.startswith("parindex") and not node.module.startswith("parindex.engine"):
                roots.add(node.module)
    return roots


def test_the_engine_imports_only_the_standard_library_and_itself():
    modules = sorted(ENGINE.glob("*.py"))
    assert modules, "no engine modules found"
    for module in modules:
        roots = imported_roots(module)
        assert "django" not in roots, module.name
        assert roots <= ALLOWED_ROOTS, f"{module.name}: {roots - ALLOWED_ROOTS}"
