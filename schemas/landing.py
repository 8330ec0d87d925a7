"""Which landing files belong to which source and period, and which delivery wins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from schemas.spec import SourceSpec, period_bounds
from schemas.text import nfc

EXTENSIONS = (".csv", ".xlsx")


@dataclass(frozen=True)
class Delivery:
    """One landed file of a source, with what its name says."""

    source: str
    path: Path
    period: str
    slot: str  # the name without its export stamp: later deliveries of a slot replace earlier
    stamp: str  # yyyyMMddHHmmss export stamp, '' for the original delivery
    mtime: float
    groups: tuple[tuple[str, str], ...] = ()  # other parts of the name, e.g. (("org", "MTTQ"),)

    @property
    def order(self) -> tuple[str, float, str]:
        # unstamped originals sort first ('' < any stamp); mtime only breaks ties
        return (self.stamp, self.mtime, self.path.name)

    @property
    def exported_at(self) -> dt.datetime:
        if self.stamp:
            return dt.datetime.strptime(self.stamp, "%Y%m%d%H%M%S")
        return dt.datetime.fromtimestamp(self.mtime).replace(microsecond=0)


@dataclass(frozen=True)
class Unmatched:
    path: Path
    reason: str


def match_file(path: Path, spec: SourceSpec) -> Delivery | Unmatched:
    name = nfc(path.name)
    suffix = Path(name).suffix.lower()
    stem = name[: -len(suffix)] if suffix else name
    if suffix not in EXTENSIONS:
        return Unmatched(
            path, f"unsupported file type '{suffix or 'none'}' (expected .csv or .xlsx)"
        )
    found = spec.regex.fullmatch(stem)
    if found is None:
        return Unmatched(
            path, f"file name does not match the {spec.name} pattern {spec.file_pattern}"
        )
    period = found.group("period")
    try:
        if spec.period_kind == "date":
            dt.date.fromisoformat(period)
        else:
            period_bounds(spec.period_kind, period)
    except ValueError:
        return Unmatched(path, f"'{period}' in the file name is not a valid {spec.period_kind}")
    groups = {k: v.upper() for k, v in found.groupdict().items() if k != "stamp" and v is not None}
    slot = "|".join(f"{k}={v}" for k, v in sorted(groups.items()))
    return Delivery(
        source=spec.name,
        path=path,
        period=period.upper(),
        slot=slot,
        stamp=found.group("stamp") or "",
        mtime=path.stat().st_mtime,
        groups=tuple(sorted((k, v) for k, v in groups.items() if k != "period")),
    )


def discover(landing: Path, specs: Iterable[SourceSpec]) -> tuple[list[Delivery], list[Unmatched]]:
    """Every data file under the source folders, and every file that fits no source."""
    deliveries: list[Delivery] = []
    unmatched: list[Unmatched] = []
    by_folder = {spec.folder: spec for spec in specs}
    if not landing.exists():
        return deliveries, unmatched
    for path in sorted(landing.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(landing)
        if path.name.startswith("."):
            # hidden files are often half-finished copies: reported, never loaded
            unmatched.append(
                Unmatched(path, f"'{relative}' is a hidden file (name starts with '.')")
            )
            continue
        folder = relative.parts[0] if len(relative.parts) > 1 else ""
        if folder == "reference":
            continue
        spec = by_folder.get(folder)
        if spec is None or len(relative.parts) != 2:
            unmatched.append(Unmatched(path, f"'{relative}' is not in a known source folder"))
            continue
        result = match_file(path, spec)
        (deliveries if isinstance(result, Delivery) else unmatched).append(result)
    return deliveries, unmatched
