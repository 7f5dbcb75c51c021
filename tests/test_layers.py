"""The one-way layers of docs/architecture.md: what import-linter cannot see, and the order it checks.

`make lint` runs the contract itself (lint-imports); these tests keep it honest: an import hidden
inside a function is still a dependency, and the order written in the docs is the order enforced.
"""

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "grants"
# The factory imports every package inside create_app and its register_* helpers, on purpose.
FACTORY = PACKAGE / "__init__.py"


def imports_of_grants_inside_functions(path: Path, root: Path = ROOT) -> list[str]:
    """`from grants… import` / `import grants…` statements inside a function or class body of path."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for inner in ast.walk(node):
            names = []
            if isinstance(inner, ast.ImportFrom) and inner.level == 0 and inner.module:
                names = [inner.module]
            elif isinstance(inner, ast.ImportFrom) and inner.level > 0:
                names = ["(relative)"]
            elif isinstance(inner, ast.Import):
                names = [alias.name for alias in inner.names]
            for name in names:
                if name == "(relative)" or name == "grants" or name.startswith("grants."):
                    found.append(f"{path.relative_to(root)}:{inner.lineno} {name}")
    return sorted(set(found))


def test_the_checker_sees_an_import_hidden_in_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from grants.extensions import db\n\n\nclass A:\n    def f(self):\n        import grants.lots.models\n"
        "        from . import sibling\n        return db\n",
        encoding="utf-8",
    )
    assert imports_of_grants_inside_functions(sample, tmp_path) == [
        "sample.py:6 grants.lots.models",
        "sample.py:7 (relative)",
    ]


def test_no_function_level_import_of_grants_outside_the_factory():
    hidden = [
        finding
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != FACTORY
        for finding in imports_of_grants_inside_functions(path)
    ]
    assert hidden == []


def contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (layers,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return layers


def test_every_package_has_a_layer():
    layers = contract()
    listed = {name.strip() for layer in layers["layers"] for name in layer.split("|")}
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert packages == listed
    assert layers["exhaustive"] is True


def test_the_documented_order_is_the_enforced_one():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- layers: the contract in pyproject\.toml -->\n```text\n(.*?)```", text, re.S)
    assert block, "docs/architecture.md lost its layer list"
    documented = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert [line for line in documented if line] == [layer.strip() for layer in contract()["layers"]]
