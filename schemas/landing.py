"""Which landing files belong to which source and period, and which delivery wins."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from schemas.spec import SourceSpec, period_bounds
from schemas.text import nfc

EXTENSIONS = (".csv", ".xlsx")
REFERENCE_FILES = ("agencies.csv",)
_SYSTEM_FILES = ("thumbs.db", "desktop.ini")  # files a province may drop into <landing>/reference/


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
    """A landing file no source takes, with why; `name` is its path under the landing
    folder as text that can be printed and stored (see `shown_name`)."""

    path: Path
    reason: str
    code: str = "name_unmatched"  # schemas/reasons.py
    name: str = ""


def shown_name(relative: Path) -> str:
    """A landing path as text. A name whose bytes are not UTF-8 (unzip leaves a Windows
    archive's names in CP437 or Windows-1258) shows those bytes escaped, so it can be
    printed, logged and stored without an encoding error."""
    raw = os.fsencode(relative.as_posix())
    return raw.decode("utf-8", errors="backslashreplace")


def _legacy_name(relative: Path) -> str | None:
    """The reason for a name in a legacy encoding, else None."""
    raw = os.fsencode(relative.name)
    try:
        raw.decode("utf-8")
        return None
    except UnicodeDecodeError:
        guess = raw.decode("cp1258", errors="replace")
        return (
            f"the file name is not UTF-8 (a legacy encoding, as unzip leaves a Windows "
            f"archive; in Windows-1258 it reads '{guess}'): rename it"
        )


def _unreadable(path: Path) -> str | None:
    """Why the pipeline's account cannot read `path`, else None."""
    try:
        with path.open("rb") as handle:
            handle.read(1)
        return None
    except PermissionError:
        return "the pipeline's account may not read the file (permissions): fix its rights"
    except OSError as error:
        return f"the file cannot be opened ({error.strerror or type(error).__name__})"


def match_file(path: Path, spec: SourceSpec) -> Delivery | Unmatched:
    name = nfc(path.name)
    suffix = Path(name).suffix.lower()
    stem = name[: -len(suffix)] if suffix else name
    if suffix not in EXTENSIONS:
        return Unmatched(
            path,
            f"unsupported file type '{suffix or 'none'}' (expected .csv or .xlsx)",
            "name_unsupported_type",
        )
    found = spec.regex.fullmatch(stem)
    if found is None:
        return Unmatched(
            path, f"file name does not match the {spec.name} pattern {spec.file_pattern}"
        )
    stamp = found.group("stamp") or ""
    try:
        if stamp:
            dt.datetime.strptime(stamp, "%Y%m%d%H%M%S")
    except ValueError:
        return Unmatched(
            path,
            f"the export stamp '{stamp}' in the file name is not a real date-time "
            "(yyyyMMddHHmmss): was the file renamed by hand?",
            "name_bad_stamp",
        )
    period = found.group("period")
    try:
        if spec.period_kind == "date":
            dt.date.fromisoformat(period)
        else:
            period_bounds(spec.period_kind, period)
    except ValueError:
        return Unmatched(
            path,
            f"'{period}' in the file name is not a valid {spec.period_kind}",
            "name_bad_period",
        )
    groups = {k: v.upper() for k, v in found.groupdict().items() if k != "stamp" and v is not None}
    slot = "|".join(f"{k}={v}" for k, v in sorted(groups.items()))
    return Delivery(
        source=spec.name,
        path=path,
        period=period.upper(),
        slot=slot,
        stamp=stamp,
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
        if path.is_dir():
            continue
        relative = path.relative_to(landing)
        name = shown_name(relative)
        result = _judge(path, relative, name, by_folder)
        if isinstance(result, Delivery):
            deliveries.append(result)
        elif result is not None:
            unmatched.append(Unmatched(result.path, result.reason, result.code, name))
    return deliveries, unmatched


def _judge(path: Path, relative: Path, name: str, by_folder) -> Delivery | Unmatched | None:
    """One landing entry: a delivery, a file no source takes (with why), or None for the
    province's reference files."""
    folder = relative.parts[0] if len(relative.parts) > 1 else ""
    if folder == "reference" and relative.as_posix() in {f"reference/{n}" for n in REFERENCE_FILES}:
        return None
    if folder == "reference":
        shown = ", ".join(REFERENCE_FILES)
        return Unmatched(path, f"'{name}' is not a reference file the pipeline reads ({shown})")
    if path.name.startswith("."):
        # hidden files are often half-finished copies: reported, never loaded
        return Unmatched(path, f"'{name}' is a hidden file (name starts with '.')", "name_hidden")
    if path.name.startswith("~$") or path.name.lower() in _SYSTEM_FILES:
        return Unmatched(
            path,
            f"'{name}' is a file Excel or Windows leaves beside the others (a lock file of a "
            "workbook open while it was copied, a thumbnail cache), not a delivery",
            "name_temporary",
        )
    legacy = _legacy_name(relative)
    if legacy:
        return Unmatched(path, legacy, "name_bad_encoding")
    if path.exists() and not path.is_file():
        return Unmatched(path, "not a regular file (a pipe or a device)", "file_unreadable")
    unreadable = _unreadable(path)  # a dangling link or a file of another account
    if unreadable:
        return Unmatched(path, unreadable, "file_unreadable")
    spec = by_folder.get(folder)
    if spec is None or len(relative.parts) != 2:
        return Unmatched(path, f"'{name}' is not in a known source folder", "name_no_source")
    return match_file(path, spec)
