"""A fingerprint of everything that decides what a file's staged rows are: the source code of
this package and of every project module it imports, directly or not, and the reference data.
Staged rows of unchanged files are reused only while it is the same."""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

from schemas.status_codes import status_digits

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("schemas", "warehouse")  # the layers the ingest may import


def _module_file(module: str) -> Path | None:
    parts = module.split(".")
    if parts[0] not in PROJECT_PACKAGES:
        return None
    base = ROOT.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _imports(path: Path) -> set[str]:
    """Project modules `path` imports (`from package import module` included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if _module_file(name) is not None}


def ingest_modules() -> list[Path]:
    """Every source file the ingest package and the source specs it is given depend on."""
    pending = [*(ROOT / "warehouse" / "ingest").glob("*.py"), ROOT / "schemas" / "registry.py"]
    seen: set[Path] = set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        for module in _imports(path):
            file = _module_file(module)
            parent = file.parent / "__init__.py"
            pending += [file] + ([parent] if parent.exists() else [])
    return sorted(seen)


def code_version() -> str:
    files = [*ingest_modules(), *sorted((ROOT / "warehouse" / "reference").glob("*.csv"))]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    # configuration that changes what a file's rows mean
    digest.update(json.dumps(sorted(status_digits().items())).encode())
    return digest.hexdigest()


CODE_VERSION = code_version()
