"""Files written whole or not at all: a temporary beside the target, swapped in by os.replace."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def process_gone(pid: str) -> bool:
    """Whether `pid`, taken from a file name of ours, is a process that no longer lives."""
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # a live process of another user
    return False


def clear_stale_temporaries(target: Path) -> None:
    """Temporary files of a run that was killed (its pid no longer lives) are removed."""
    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        if process_gone(stale.name.rsplit(".", 2)[-2]):
            stale.unlink(missing_ok=True)


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary beside `target` that replaces it once written; removed if writing fails
    (a full disk), so a failed write leaves neither a half file nor litter."""
    target.parent.mkdir(parents=True, exist_ok=True)
    clear_stale_temporaries(target)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_atomic_text(text: str, target: Path) -> None:
    with replacing(target) as temporary:
        temporary.write_text(text, encoding="utf-8")
