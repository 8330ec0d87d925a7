"""Reading the published scorecard, and the province's published 2024 figures to compare with."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from warehouse.coverage import require_data
from warehouse.numbers import format_number

# INDICATORS.md "Calibration": what Bình Thuận published for 2024. Rates as fractions.
PUBLISHED_YEAR = 2024
PUBLISHED_2024: dict[str, float] = {
    "dialogues_held": 140,
    "periodic_receptions_held": 301,
    "periodic_receptions_scheduled": 314,
    "gifts_given": 395_218,
    "scholarships_given": 1_000,
    "houses_built_or_repaired": 305,
    "welfare_value_vnd": 165_340_000_000,
    "procedures_published_share": 1.0,
    "dossiers_received_provincial_centre": 94_665,
    "dossiers_received_online_provincial_centre": 50_693,
    "dossiers_finished_provincial_centre": 94_985,
    "dossiers_late_provincial_centre": 146,
    "dossiers_on_time_rate_provincial_centre": 0.9985,
}
# how close a computed figure must be to count as matching: rounding of the published figure
TOLERANCE = {"welfare_value_vnd": 5e6, "dossiers_on_time_rate_provincial_centre": 5e-5}


def read_scorecard(reporting_db: Path, year: int) -> pl.DataFrame:
    """The year's scorecard with the months its source covers; NoDataError
    (warehouse/coverage.py) for a year no source has rows in."""
    if not reporting_db.exists():
        raise FileNotFoundError(f"{reporting_db} does not exist yet: run `danvan run` first")
    con = duckdb.connect(str(reporting_db), read_only=True)
    try:
        require_data(con, year)
        return con.sql(
            "select indicator_code, name_vi, name_en, value, numerator, denominator, unit, "
            "source, months_covered, is_complete "
            "from mart_province_scorecard where year = ? order by indicator_code",
            params=[year],
        ).pl()
    finally:
        con.close()


def compare_published(scorecard: pl.DataFrame) -> pl.DataFrame:
    """Computed beside published for every published 2024 figure, with the difference."""
    published = pl.DataFrame(
        {"indicator_code": list(PUBLISHED_2024), "published": list(PUBLISHED_2024.values())},
        schema={"indicator_code": pl.String, "published": pl.Float64},
    )
    tolerance = pl.col("indicator_code").replace_strict(
        TOLERANCE, default=0.0, return_dtype=pl.Float64
    )
    return (
        published.join(
            scorecard.select("indicator_code", "name_en", "value"), on="indicator_code", how="left"
        )
        .with_columns(difference=pl.col("value") - pl.col("published"))
        .with_columns(matches=(pl.col("difference").abs() <= tolerance).fill_null(False))
    )


def _coverage_note(row: dict) -> str:
    return "" if row["is_complete"] else f"  ({row['months_covered']}/12 tháng — months)"


def format_scorecard(scorecard: pl.DataFrame, year: int) -> str:
    """Vietnamese figures (453.763; 99,03 %), a partial year's rows marked with their months."""
    rows = [
        (r["name_vi"], r["name_en"], format_number(r["value"], r["unit"], "vi") + _coverage_note(r))
        for r in scorecard.iter_rows(named=True)
    ]
    width_vi = max((len(r[0]) for r in rows), default=10)
    width_en = max((len(r[1]) for r in rows), default=10)
    lines = [f"Bảng chỉ tiêu năm {year} — province scorecard {year}", ""]
    lines.append(f"{'Chỉ tiêu'.ljust(width_vi)}  {'Indicator'.ljust(width_en)}  {'Giá trị':>16}")
    lines.append("-" * (width_vi + width_en + 20))
    lines += [f"{vi.ljust(width_vi)}  {en.ljust(width_en)}  {v:>16}" for vi, en, v in rows]
    if not scorecard.get_column("is_complete").all():
        lines.append("\nMột phần năm — a partial year: the marked rows cover fewer than 12 months")
    return "\n".join(lines)


def format_comparison(comparison: pl.DataFrame) -> str:
    lines = ["", "So sánh với số liệu đã công bố 2024 — computed vs published 2024", ""]
    lines.append(f"{'indicator':<46} {'published':>18} {'computed':>18} {'difference':>14}  ok")
    for r in comparison.iter_rows(named=True):
        computed = "—" if r["value"] is None else f"{r['value']:,.4f}".rstrip("0").rstrip(".")
        published = f"{r['published']:,.4f}".rstrip("0").rstrip(".")
        difference = (
            "—" if r["difference"] is None else f"{r['difference']:,.4f}".rstrip("0").rstrip(".")
        )
        mark = "✓" if r["matches"] else ("✗" if r["value"] is not None else "not built yet")
        lines.append(
            f"{r['indicator_code']:<46} {published:>18} {computed:>18} {difference:>14}  {mark}"
        )
    matched = comparison.get_column("matches").sum()
    lines.append(f"\n{matched}/{comparison.height} published figures reproduced")
    return "\n".join(lines)
