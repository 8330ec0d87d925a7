"""Settings from the environment, with the defaults of docs/settings.md."""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass
from pathlib import Path

DEMO_PII_KEY = "danvan-demo-key-do-not-use-in-production"
log = logging.getLogger("danvan")


DEFAULTS = {
    "DANVAN_LANDING_DIR": "data/landing",
    "DANVAN_DATA_DIR": "data",
    # the province in force today: the warehouse holds everything on its territory since 2021
    "DANVAN_PROVINCE": "68",
    # the province whose own offices sent the registers before the 2025 reform ("Tỉnh" then)
    "DANVAN_LEGACY_PROVINCE": "60",
}


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    data_dir: Path

    @classmethod
    def from_env(
        cls, landing: str | Path | None = None, data: str | Path | None = None
    ) -> Settings:
        return cls(
            landing_dir=Path(landing or setting("DANVAN_LANDING_DIR")),
            data_dir=Path(data or setting("DANVAN_DATA_DIR")),
        )


def setting(name: str) -> str:
    """A setting from the environment, else its default (docs/settings.md)."""
    return os.environ.get(name) or DEFAULTS[name]


@functools.cache
def _warn_demo_key() -> None:
    log.warning(
        "DANVAN_PII_KEY is not set: using the public demo key; ID-number hashes are "
        "then reversible by anyone with the code. Set a secret key outside demos."
    )


class MissingKeyError(RuntimeError):
    pass


def demo_mode() -> bool:
    return os.environ.get("DANVAN_DEMO", "") == "1"


def pii_key() -> bytes:
    """The HMAC key for ID numbers. Read at use time, never stored in config or metadata.
    Only demo mode (`danvan demo`, `make ui`: DANVAN_DEMO=1) may fall back to the public key."""
    key = os.environ.get("DANVAN_PII_KEY", "")
    if not key:
        if not demo_mode():
            raise MissingKeyError(
                "DANVAN_PII_KEY is not set: refusing to hash citizens' ID numbers with the public "
                "demo key. Set DANVAN_PII_KEY to a secret (e.g. `openssl rand -hex 32`), or use "
                "`danvan demo` for sample data."
            )
        _warn_demo_key()
        key = DEMO_PII_KEY
    return key.encode("utf-8")
