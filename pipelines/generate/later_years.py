"""`danvan generate --year 2025|2026`: sample exports of the years after the calibrated 2024.

2025 is the year of the reform: January–June on the units of the three old provinces (Bình
Thuận 60, Đắk Nông 67, Lâm Đồng 68) with their districts, from 2025-07-01 on the 124 units of
the new Lâm Đồng (68). 2026 covers the new province from January through the last full month
before the export date (`as_of`, 2026-12-02 unless told). Every source is written; the defects
injected are listed in `defects.DEFECTS` with their year.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.generate import defects
from pipelines.generate.export import (
    GenerateReport,
    as_text,
    with_headers,
    write_csv,
    write_xlsx,
)
from pipelines.generate.later_sources import (
    engagement_events,
    era_units,
    feedback_items,
    model_register,
    welfare_activities,
)
from pipelines.generate.operations import (
    PER_WORKING_DAY,
    PER_WORKING_DAY_AFTER_REFORM,
    month_dossiers,
    unit_rates,
)
from pipelines.generate.procedures import NEW_DEPARTMENT, catalogue
from pipelines.generate.writers import columns_of, welfare_text, with_totals
from schemas.common import REFORM_DATE
from schemas.dossiers import SPEC as DOSSIERS
from schemas.engagement import SPEC as ENGAGEMENT
from schemas.feedback import SPEC as FEEDBACK
from schemas.models import SPEC as MODELS
from schemas.procedures import SPEC as PROCEDURES
from schemas.welfare import SPEC as WELFARE

LATER_YEARS = (2025, 2026)
AS_OF = dt.date(2026, 12, 2)  # the sample's "today": its 2026 runs through November
EXPORT_2025 = dt.datetime(2026, 1, 6, 8, 0)  # the year-end full export of 2025
FEEDBACK_PER_MONTH = 250
WELFARE_ROWS_PER_REPORT = 30
MODELS_IN_REGISTER = 150
# the national portal's sync field names, where the dossier spec lists one as an alias
PORTAL_HEADERS = {
    column.name: next(a for a in column.aliases if re.fullmatch(r"[A-Z][A-Za-z]+", a))
    for column in DOSSIERS.columns
    if any(re.fullmatch(r"[A-Z][A-Za-z]+", a) for a in column.aliases)
}
PORTAL_DATES = "%Y-%m-%dT%H:%M:%S%.3f"


@dataclass(frozen=True)
class Coverage:
    """The months a sample year holds and the moment its files were exported."""

    year: int
    months: list[dt.date]
    export_at: dt.datetime

    @property
    def stamp(self) -> str:
        return self.export_at.strftime("%Y%m%d%H%M%S")

    @property
    def quarters(self) -> list[tuple[int, int]]:
        """The quarters whose three months are all covered (a report comes after its end)."""
        whole = [q for q in range(1, 5) if dt.date(self.year, 3 * q, 1) in self.months]
        return [(self.year, q) for q in whole]

    @property
    def quarter_months(self) -> list[dt.date]:
        return [m for m in self.months if (m.year, (m.month + 2) // 3) in self.quarters]


def coverage(year: int, as_of: dt.date = AS_OF) -> Coverage:
    if year == 2025:
        return Coverage(year, [dt.date(2025, m, 1) for m in range(1, 13)], EXPORT_2025)
    last_full = (as_of.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    months = [dt.date(year, m, 1) for m in range(1, 13) if dt.date(year, m, 1) <= last_full]
    if not months:
        raise ValueError(f"--as-of {as_of}: no full month of {year} before it")
    return Coverage(year, months, dt.datetime.combine(as_of, dt.time(8, 0)))


def _procedures_by_level(procedures: pl.DataFrame, after_reform: bool) -> dict[str, pl.DataFrame]:
    by_level = {
        level: procedures.filter(pl.col("level") == level) for level in ("Tỉnh", "Huyện", "Xã")
    }
    if not after_reform:
        return by_level
    # the districts' procedures went to the communes; the departments were merged
    local = pl.concat([by_level["Xã"], by_level["Huyện"]])
    province = by_level["Tỉnh"].with_columns(pl.col("department").replace_strict(NEW_DEPARTMENT))
    return {"Tỉnh": province, "Xã": local, "Đặc khu": local}


def _dossier_units(rng: np.random.Generator, after_reform: bool) -> pl.DataFrame:
    units = era_units(after_reform)
    rates = PER_WORKING_DAY_AFTER_REFORM if after_reform else PER_WORKING_DAY
    rate = pl.col("level_vi").replace_strict(rates, return_dtype=pl.Float64)
    size = pl.Series(rng.gamma(4.0, 0.25, units.height))  # busy and quiet units
    return unit_rates(rng, units.with_columns(per_day=rate * size))


def _dossier_text(frame: pl.DataFrame, **style) -> pl.DataFrame:
    frame = frame.rename({"applicant_id": "applicant_key"})
    return as_text(
        frame.select(c.name for c in DOSSIERS.columns if c.name in frame.columns), **style
    )


def _write_dossiers(
    out: Path, rng, procedures: pl.DataFrame, cover: Coverage, scale: float, echo, written
) -> None:
    folder = out / DOSSIERS.folder
    eras = {}
    for month in cover.months:
        after = month >= REFORM_DATE
        if after not in eras:
            eras[after] = (_dossier_units(rng, after), _procedures_by_level(procedures, after))
        units, by_level = eras[after]
        frame = month_dossiers(rng, month, units, by_level, cover.export_at, scale)
        period = f"{month:%Y-%m}"
        portal = month.month % 2 == 0 if cover.year == 2026 else period == "2025-09"
        text = _dossier_text(
            frame,
            date_format=PORTAL_DATES if portal else "%d/%m/%Y %H:%M:%S",
            labels=period == "2025-11",
        )
        local = text.filter(pl.col("level").is_in(["Xã", "Cấp xã"]))
        if period == "2025-03":
            text = defects.with_changes(
                text, 4, source=local, code_column="dossier_code", tag="DK", level="Đặc khu"
            )
        if period == "2025-08":
            text = defects.with_changes(
                text, 6, source=local, code_column="dossier_code", tag="HUYEN", level="Huyện"
            )
        if period == "2026-03":
            text = defects.with_changes(
                text, 5, source=local, code_column="dossier_code", tag="MUINE",
                admin_unit_code="22915",
            )  # fmt: skip
        headers = {"applicant_key": "Số CCCD", **(PORTAL_HEADERS if portal else {})}
        headed = with_headers(text, DOSSIERS, headers)
        name = f"ho_so_{period}__{cover.stamp}"
        # a spreadsheet writer goes row by row: only small months are written as .xlsx
        if period in ("2025-05", "2026-01") and scale <= 0.2:
            write_xlsx(
                headed,
                folder / f"{name}.xlsx",
                title_rows=["ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "BÁO CÁO CHI TIẾT HỒ SƠ TTHC"],
                units_row=False,
            )
        else:
            write_csv(headed, folder / f"{name}.csv")
        written.files += 1
        written.dossier_rows += text.height
        echo(f"  dossiers {period}: {text.height:,} rows")


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


REANNOUNCED_SHARE = 0.25  # procedures announced again (amended, or re-issued after the reform)


def _announcements(n: int, start: dt.date, end: dt.date) -> np.ndarray:
    """A new decision date (a weekday of the covered months) for a share of the n procedures,
    NaT for the others, so the year's 766 transparency indicators have announcements to count."""
    rng = np.random.default_rng([start.year, 766])
    days = (end - start).days + 1
    drawn = np.datetime64(start) + rng.integers(0, days, n).astype("timedelta64[D]")
    weekdays = np.busday_offset(drawn, 0, roll="forward")
    weekdays = np.minimum(weekdays, np.busday_offset(np.datetime64(end), 0, roll="backward"))
    return np.where(rng.random(n) < REANNOUNCED_SHARE, weekdays, np.datetime64("NaT"))


def _as_announced(table: pl.DataFrame, decided: np.ndarray, day: dt.date) -> pl.DataFrame:
    """The catalogue as a snapshot of `day` lists it: the new decisions made by then, announced
    within a few days and in force 8–30 days after the decision (the lead the rules ask)."""
    new = pl.Series("new", decided).cast(pl.Date)
    taken = new.is_not_null() & (new <= day)
    lag = pl.Series(np.arange(table.height) % 4 + 1)
    lead = pl.Series(np.arange(table.height) % 23 + 8)
    return table.with_columns(
        decision_date=pl.when(taken).then(new).otherwise(pl.col("decision_date")),
        published_at=pl.when(taken)
        .then(new + pl.duration(days=lag))
        .otherwise(pl.col("published_at")),
        legal_effective_date=pl.when(taken)
        .then(new + pl.duration(days=lead))
        .otherwise(pl.col("legal_effective_date")),
    )


def _write_procedures(out: Path, procedures: pl.DataFrame, cover: Coverage) -> int:
    """Mid-year and last-month snapshots; from the reform the districts' procedures are the
    communes'."""
    columns = [c.name for c in PROCEDURES.columns if c.name in procedures.columns]
    reformed = procedures.with_columns(
        levels=pl.col("levels").replace("Huyện", "Xã"),
        implementing_agency=pl.col("implementing_agency").replace("UBND cấp huyện", "UBND cấp xã"),
    )
    last = _month_end(cover.months[-1])
    decided = _announcements(procedures.height, cover.months[0], last)
    snapshots = sorted({d for d in (dt.date(cover.year, 6, 30), last) if d <= last})
    for day in snapshots:
        table = _as_announced(reformed if day >= REFORM_DATE else procedures, decided, day)
        text = as_text(table.select(columns), date_format="%d/%m/%Y")
        path = out / PROCEDURES.folder / f"danh_muc_tthc_{day}.csv"
        write_csv(with_headers(text, PROCEDURES), path)
    return len(snapshots)


def _write_feedback(out: Path, frame: pl.DataFrame, cover: Coverage) -> int:
    folder = out / FEEDBACK.folder
    parts = sorted(frame.partition_by("month", as_dict=True).items())
    for (month,), part in parts:
        text = as_text(part.select(columns_of(FEEDBACK)), date_format="%d/%m/%Y %H:%M")
        if month == "2026-05":
            text = defects.with_changes(
                text, 2, code_column="feedback_code", tag="HAN", due_at="01/05/2026 08:00"
            )
        write_csv(with_headers(text, FEEDBACK), folder / f"pakn_{month}__{cover.stamp}.csv")
    return len(parts)


def _write_engagement(out: Path, frame: pl.DataFrame) -> int:
    folder = out / ENGAGEMENT.folder
    parts = sorted(frame.partition_by("quarter", as_dict=True).items())
    for (quarter,), part in parts:
        text = as_text(part.select(columns_of(ENGAGEMENT)), date_format="%d/%m/%Y")
        if quarter == "2025-Q4":
            communes = text.filter(pl.col("level") == "Xã")
            text = defects.with_changes(text, 1, source=communes, level="Huyện")
        name = f"tiep_dan_doi_thoai_{quarter}"
        if quarter == "2025-Q3":
            write_xlsx(
                with_headers(text, ENGAGEMENT),
                folder / f"{name}.xlsx",
                title_rows=["TỈNH ỦY LÂM ĐỒNG", "KẾT QUẢ TIẾP CÔNG DÂN, ĐỐI THOẠI"],
                units_row=False,
            )
        else:
            write_csv(with_headers(text, ENGAGEMENT), folder / f"{name}.csv")
    return len(parts)


def _write_welfare(out: Path, frame: pl.DataFrame) -> int:
    folder = out / WELFARE.folder
    parts = sorted(frame.partition_by("org", "quarter", as_dict=True).items())
    for (org, quarter), part in parts:
        text = welfare_text(part)
        if (org, quarter) == ("MTTQ", "2025-Q3"):  # the city is gone: its ward is another unit
            text = defects.with_changes(text, 1, admin_unit="TP. Phan Thiết")
        sheet = with_headers(with_totals(text), WELFARE, {"row_label": "STT"})
        name = f"an_sinh_{org}_{quarter}"
        if org == "DTN":
            write_xlsx(
                sheet,
                folder / f"{name}.xlsx",
                title_rows=["TỈNH ĐOÀN LÂM ĐỒNG", f"BÁO CÁO AN SINH XÃ HỘI {quarter}"],
                units_row=True,
                merge_titles=True,
            )
        else:
            write_csv(sheet, folder / f"{name}.csv")
    return len(parts)


def _write_models(out: Path, frame: pl.DataFrame, year: int) -> int:
    text = as_text(frame.select(columns_of(MODELS)))
    if year == 2026:
        text = defects.with_changes(
            text, 1, level="Huyện", model_name="Mô hình đăng ký theo cấp huyện cũ"
        )
    write_csv(with_headers(text, MODELS), out / MODELS.folder / f"dan_van_kheo_{year}.csv")
    return 1


def generate_later(
    out: Path,
    year: int,
    *,
    seed: int,
    scale: float,
    as_of: dt.date = AS_OF,
    echo: Callable[[str], None] = lambda _: None,
) -> GenerateReport:
    """Every source of `year` (2025 or 2026) into the landing folder `out`."""
    cover = coverage(year, as_of)
    rng = np.random.default_rng([seed, year])
    out = Path(out)
    written = GenerateReport()
    # the 2024 catalogue (the same seed draws it), so every procedure code stays known
    procedures = catalogue(np.random.default_rng(seed))
    written.files += _write_procedures(out, procedures, cover)
    _write_dossiers(out, rng, procedures, cover, scale, echo, written)
    feedback = feedback_items(rng, cover.months, cover.export_at, FEEDBACK_PER_MONTH)
    written.files += _write_feedback(out, feedback, cover)
    if cover.quarters:  # a quarterly report comes after its quarter
        events = engagement_events(rng, cover.quarter_months)
        written.files += _write_engagement(out, events)
        welfare = welfare_activities(rng, cover.quarters, WELFARE_ROWS_PER_REPORT)
        written.files += _write_welfare(out, welfare)
    written.files += _write_models(out, model_register(seed, rng, year, MODELS_IN_REGISTER), year)
    echo(f"  {year}: feedback, engagement, welfare and the model register written")
    return written
