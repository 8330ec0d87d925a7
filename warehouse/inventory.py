"""What the landing folder holds besides source deliveries, brought under the data folder so
that the model never reads the landing folder: the files no source claims (recorded for
load_audit as rejected) and the province's own reference files (`reference/agencies.csv`)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from schemas.landing import REFERENCE_FILES, Unmatched, discover, shown_name
from schemas.registry import SOURCES
from warehouse.agencies import AgencyListError, read_agencies
from warehouse.atomic import replacing, write_atomic_text
from warehouse.files import sha256_of
from warehouse.paths import DataPaths


@dataclass(frozen=True)
class Inventory:
    unmatched: list[Unmatched]
    reference_files: list[str]  # supplied reference files now staged (a bad one is unmatched)


def _record(landing: Path, item: Unmatched) -> dict:
    relative = item.path.relative_to(landing)
    try:  # a file the pipeline may not read (or a pipe: it would block) is listed all the same
        sha256 = (
            sha256_of(item.path) if item.path.is_file() and item.code != "file_unreadable" else ""
        )
    except OSError:
        sha256 = ""
    return {
        "source": shown_name(Path(relative.parts[0])) if len(relative.parts) > 1 else "",
        "source_file": item.name,
        "sha256": sha256,
        "period": "",
        "status": "rejected",
        "message": item.reason,
        "reason_code": item.code,
    }


def record_landing(landing: Path, paths: DataPaths) -> Inventory:
    """Write the unmatched files' audit records and stage the supplied reference files; a
    reference file no longer supplied is removed, so the shipped sample applies again."""
    _, unmatched = discover(landing, SOURCES.values())
    staged = []
    for name in REFERENCE_FILES:
        supplied, target = landing / "reference" / name, paths.reference(name)
        problem = _unsound(supplied) if supplied.exists() else None
        if supplied.exists() and problem is None:
            with replacing(target) as temporary:
                shutil.copyfile(supplied, temporary)
            staged.append(name)
        else:
            target.unlink(missing_ok=True)
        if problem is not None:
            shown = shown_name(supplied.relative_to(landing))
            unmatched.append(Unmatched(supplied, problem, "reference_unsound", shown))
    records = [_record(landing, item) for item in unmatched]
    write_atomic_text(json.dumps(records, ensure_ascii=False, indent=1), paths.unmatched_audit)
    return Inventory(unmatched, staged)


def _unsound(supplied: Path) -> str | None:
    """Why a supplied reference file cannot be used (it is then rejected alone), else None."""
    try:
        read_agencies(supplied)
    except AgencyListError as error:
        return f"rejected, the sample agency list applies instead: {error}"
    return None
