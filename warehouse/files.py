"""Content hashes of landed files, and what tells that a file is unchanged without reading it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from schemas.landing import Delivery


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def stat_key(path: Path) -> list[int]:
    """What changes when a file is rewritten, renamed over or touched."""
    info = path.stat()
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def file_hashes(deliveries: list[Delivery], previous_audit: Path, landing: Path) -> dict:
    """sha256 of each file, read once; a file whose size, times and inode are those recorded
    by the last ingest keeps its recorded hash instead of being read again."""
    known = {}
    if previous_audit.exists():
        for record in json.loads(previous_audit.read_text(encoding="utf-8")):
            if record.get("stat"):
                known[(record["source_file"], tuple(record["stat"]))] = record["sha256"]
    hashes = {}
    for delivery in deliveries:
        stat = stat_key(delivery.path)
        name = delivery.path.relative_to(landing).as_posix()
        hashes[delivery.path] = (known.get((name, tuple(stat))) or sha256_of(delivery.path), stat)
    return hashes
