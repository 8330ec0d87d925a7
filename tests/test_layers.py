"""The layers point one way: schemas → warehouse → assets → pipelines. A module imports only
its own layer and the layers before it, and nothing below `assets` imports Dagster."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RANK = {"schemas": 1, "warehouse": 2, "assets": 3, "pipelines": 4}


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _modules(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", RANK)
def test_no_module_imports_a_later_layer(layer):
    upward = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in _modules(layer)
        for line, module in _imports(path)
        if RANK.get(module.split(".")[0], 0) > RANK[layer]
    ]
    assert upward == []


@pytest.mark.parametrize("layer", ["schemas", "warehouse"])
def test_the_lower_layers_do_not_know_dagster(layer):
    dagster = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _modules(layer)
        for line, module in _imports(path)
        if module.split(".")[0] == "dagster"
    ]
    assert dagster == []


def test_the_check_sees_an_upward_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from assets.names import staging_key\nimport pipelines.cli\n")
    assert [module for _, module in _imports(probe)] == ["assets.names", "pipelines.cli"]
