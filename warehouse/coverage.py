"""What a year of the published warehouse holds: the months each source covers
(`mart_source_coverage`), whether there is anything at all, and the province it is reported for.
The report and the scorecard read it, so a partial year is never shown as a full one and a year
without data is refused instead of written out empty."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from schemas.common import REFORM_DATE
from warehouse.reference import scope

# the sources in the order the report lists them, in Vietnamese and English
SOURCE_NAMES = {
    "dossiers": ("Hồ sơ thủ tục hành chính", "Administrative dossiers"),
    "procedures": ("Danh mục thủ tục hành chính", "Procedure catalogue"),
    "feedback": ("Phản ánh, kiến nghị", "Citizen feedback"),
    "engagement": ("Tiếp công dân, đối thoại", "Receptions and dialogues"),
    "welfare": ("An sinh xã hội", "Welfare support"),
    "models": ("Mô hình “Dân vận khéo”", "“Dân vận khéo” models"),
}


class NoDataError(ValueError):
    """The year has no rows in any source: nothing to report."""


@dataclass(frozen=True)
class SourceCoverage:
    source: str
    months_covered: int
    first_month: dt.date
    last_month: dt.date
    is_complete: bool
    last_exported_at: dt.datetime | None


def coverage(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, SourceCoverage]:
    rows = con.sql(
        "select source, months_covered, first_month, last_month, is_complete, last_exported_at "
        "from mart_source_coverage where year = ? and months_covered > 0",
        params=[year],
    ).fetchall()
    return {row[0]: SourceCoverage(*row) for row in rows}


def require_data(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, SourceCoverage]:
    """The year's coverage, or NoDataError saying which years do have data."""
    found = coverage(con, year)
    if not found:
        years = [
            str(y)
            for (y,) in con.sql(
                "select distinct year from mart_source_coverage where months_covered > 0 order by 1"
            ).fetchall()
        ]
        raise NoDataError(
            f"no data for {year}: no source has rows in that year "
            f"(years with data: {', '.join(years) or 'none yet'})"
        )
    return found


def latest_year_with_data(con: duckdb.DuckDBPyConnection) -> int | None:
    (year,) = con.sql(
        "select max(year) from mart_source_coverage where months_covered > 0"
    ).fetchall()[0]
    return year


def as_of(found: dict[str, SourceCoverage]) -> dt.date | None:
    """The data is as of the newest export among the files loaded for the year."""
    stamps = [c.last_exported_at for c in found.values() if c.last_exported_at is not None]
    return max(stamps).date() if stamps else None


def province_of_year(con: duckdb.DuckDBPyConnection, year: int) -> tuple[str, str]:
    """(code, name) of the province the year is reported for: the province in force at the
    year's end — before the 2025 reform the one that sent the registers (DANVAN_LEGACY_PROVINCE),
    from it the province in force (DANVAN_PROVINCE); its name from dim_admin_unit on that day."""
    current = scope()
    year_end = dt.date(year, 12, 31)
    code = current.province if year_end >= REFORM_DATE else current.legacy_province
    (name,) = con.sql("select admin_unit_on(?, ?).name", params=[code, year_end]).fetchall()[0]
    return code, name or code
