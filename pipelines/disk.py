"""Room on disk, checked before a long write, instead of a full disk half-way through it."""

from __future__ import annotations

from pathlib import Path

from warehouse.paths import free_bytes


class NotEnoughDisk(RuntimeError):
    """Said before anything is written."""


def files_size(*folders: Path) -> int:
    """Bytes of the files under `folders` (those that exist)."""
    return sum(f.stat().st_size for d in folders if d.exists() for f in d.rglob("*") if f.is_file())


def require_room(folder: Path, need: int, what: str, hint: str, reclaimed: int = 0) -> None:
    """Raise NotEnoughDisk if the disk of `folder` (or of its nearest existing parent) has
    less than `need` bytes free, counting `reclaimed` bytes the caller removes first."""
    room = free_bytes(folder) + reclaimed
    if room < need:
        raise NotEnoughDisk(
            f"{what} needs about {need / 2**30:.1f} GiB under {folder}; there is room for "
            f"{room / 2**30:.1f} GiB. {hint}"
        )
