"""`danvan generate`: sample exports for 2024, calibrated to the province's published figures,
and for 2025 and 2026 (`later_years.py`, not calibrated).

For 2024 it writes into a landing folder: monthly dossier files (November of the year before
through December), procedure catalogue snapshots, the other sources, and the defects listed in
`defects.DEFECTS`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.generate import defects, engagement, feedback, models, welfare, writers
from pipelines.generate.dossiers import EXPORT_AT, local_blocks, make_block, province_blocks
from pipelines.generate.export import (
    GenerateReport,
    as_text,
    date_files,
    with_headers,
    write_csv,
    write_xlsx,
)
from pipelines.generate.later_years import AS_OF, LATER_YEARS, coverage, generate_later
from pipelines.generate.procedures import catalogue
from pipelines.generate.territory import binh_thuan
from schemas.dossiers import SPEC as DOSSIERS
from schemas.procedures import SPEC as PROCEDURES
from warehouse.calendar import calendar
from warehouse.reference import admin_units

STAMP = EXPORT_AT.strftime("%Y%m%d%H%M%S")
TITLE_ROWS = [
    "ỦY BAN NHÂN DÂN TỈNH BÌNH THUẬN",
    "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
    "BÁO CÁO CHI TIẾT HỒ SƠ TTHC",
]
DOSSIER_EXPORT_COLUMNS = [c.name for c in DOSSIERS.columns]


ROWS_AT_SCALE_1 = 532_834  # dossier rows of the calibrated demo
# the landing folder's bytes per dossier row (`danvan generate --scale 2`), a quarter added
LANDING_BYTES_PER_ROW = 350


CALIBRATED_YEAR = 2024
YEARS = (CALIBRATED_YEAR, *LATER_YEARS)
# `danvan demo`: the calibrated year whole, the later years (sample data only) smaller, so that
# a fresh clone's demo stays well under three minutes on two cores
DEMO_SCALES = {CALIBRATED_YEAR: 1.0, 2025: 0.1, 2026: 0.1}


def _units(level: str, month: dt.date, rng: np.random.Generator) -> pl.DataFrame:
    end = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1) - dt.timedelta(days=1)
    units = (
        admin_units()
        .filter(
            (pl.col("level") == {"Huyện": "district", "Xã": "commune", "Tỉnh": "province"}[level])
            & (pl.col("valid_from").is_null() | (pl.col("valid_from") <= month))
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= end))
            & pl.col("code").is_in(binh_thuan())
        )
        .select("code")
        .unique(maintain_order=True)
    )
    return units.with_columns(
        agency_code=pl.lit("H36.") + pl.col("code"),
        weight=pl.Series(rng.gamma(4.0, 1.0, units.height)),
    )


def _month_frames(
    rng, year: int, scale: float, procedures: pl.DataFrame
) -> Iterator[tuple[str, pl.DataFrame]]:
    """One month at a time, so memory stays that of one month whatever the scale."""
    days = calendar()
    months = [dt.date(year - 1, 11, 1), dt.date(year - 1, 12, 1)] + [
        dt.date(year, m, 1) for m in range(1, 13)
    ]
    province = {b.month: b for b in province_blocks(year, scale)}
    by_level = {
        level: procedures.filter(pl.col("level") == level) for level in ("Tỉnh", "Huyện", "Xã")
    }
    for month in months:
        parts = [
            make_block(
                rng,
                province[month],
                pl.DataFrame({"code": ["60"], "agency_code": [None], "weight": [1.0]}),
                by_level["Tỉnh"],
                days,
            )
        ]
        for level in ("Huyện", "Xã"):
            units = _units(level, month, rng)
            block = local_blocks(rng, level, units.height, month, scale, months[-1])
            parts.append(make_block(rng, block, units, by_level[level], days))
        yield f"{month:%Y-%m}", pl.concat(parts).sort("received_at")


def _extra(text: pl.DataFrame, count: int, tag: str, **cells) -> pl.DataFrame:
    """Extra dossier rows with new codes, to be quarantined for the given cells."""
    return defects.with_changes(text, count, code_column="dossier_code", tag=tag, **cells)


def _dossier_text(frame: pl.DataFrame, **style) -> pl.DataFrame:
    frame = frame.rename({"applicant_id": "applicant_key"})
    # optional columns the sample does not draw are left out of the files, as exports do
    return as_text(frame.select(c for c in DOSSIER_EXPORT_COLUMNS if c in frame.columns), **style)


def _write_dossiers(
    landing: Path,
    frames: Iterator[tuple[str, pl.DataFrame]],
    echo,
    report: GenerateReport,
    spreadsheets: bool,
    plain: bool = False,
) -> None:
    folder = landing / DOSSIERS.folder
    written = 0
    for period, frame in frames:
        report.dossier_rows += frame.height
        name = f"ho_so_{period}__{STAMP}"
        style = {}
        if period == "2024-06" and not plain:
            style = {"labels": True, "date_format": "%Y-%m-%d %H:%M:%S"}
        text = _dossier_text(frame, **style)
        if period == "2024-01":
            text = _extra(text, 6, "TTHC", procedure_code="")
        if period == "2024-04":
            text = _extra(text, 15, "NGAY", received_at="31/02/2024 09:00:00")
        if period == "2024-05":
            suffixed = pl.when(pl.int_range(pl.len()) % 50 == 0)
            text = text.with_columns(
                procedure_code=suffixed.then(pl.col("procedure_code") + ".H36").otherwise(
                    pl.col("procedure_code")
                )
            )
            text = pl.concat([text, text.slice(500, 25)])
        if period == "2024-06":
            text = defects.conflicting_rows(text, 12)
        if period == "2024-08":
            text = _extra(text, 10, "DVHC", admin_unit_code="60999")
            text = text.with_columns(pl.lit("").alias("ghi_chu"))
        if period == "2024-10":
            finished = text.filter(pl.col("finished_at").is_not_null())
            text = _extra(
                text, 7, "KETTHUC", source=finished, finished_at="01/09/2024 08:00:00"
            ).with_columns(
                procedure_code=pl.when(pl.int_range(pl.len()).is_between(1000, 1019))
                .then(pl.lit("9.999999"))
                .otherwise(pl.col("procedure_code"))
            )
        if period == "2024-11":
            text = _extra(text, 5, "THANG", received_at="15/10/2024 09:00:00")
        if period == "2024-12":
            communes = text.filter(pl.col("level") == "Xã")
            text = _extra(
                text,
                8,
                "SAPNHAP",
                source=communes,
                admin_unit_code="22939",
                agency_code="H36.22939",
            )
        headed = with_headers(text, DOSSIERS, {"applicant_key": "Số CCCD", "ghi_chu": "Ghi chú"})
        if period == "2024-02" and spreadsheets:
            write_xlsx(headed, folder / f"{name}.xlsx", title_rows=TITLE_ROWS, units_row=True)
        elif plain:
            write_csv(headed, folder / f"{name}.csv")
        elif period == "2024-06":
            write_csv(headed, folder / f"{name}.csv", separator=";")
        elif period == "2024-07":
            write_csv(headed, folder / f"{name}.csv", encoding="cp1258", separator=";")
        elif period == "2024-09":
            write_csv(headed, folder / f"{name}.csv", normal_form="NFD", bom=True)
        else:
            write_csv(headed, folder / f"{name}.csv")
        written += 1
        echo(f"  dossiers {period}: {text.height:,} rows")
        if period == "2024-03":
            early = frame.with_columns(
                status_code=pl.when(pl.col("status_code") >= 7)
                .then(pl.lit(4, pl.Int64))
                .otherwise("status_code"),
                finished_at=pl.lit(None, pl.Datetime("us")),
                returned_at=pl.lit(None, pl.Datetime("us")),
            ).head(frame.height * 9 // 10)
            write_csv(
                with_headers(_dossier_text(early), DOSSIERS, {"applicant_key": "Số CCCD"}),
                folder / f"ho_so_{period}.csv",
            )
            written += 1
    (folder / "ghi_chu.txt").write_text(
        "Tệp ghi chú của cán bộ, không phải dữ liệu.\n", encoding="utf-8"
    )
    report.files += written + 1


def _write_procedures(landing: Path, procedures: pl.DataFrame) -> int:
    folder = landing / PROCEDURES.folder
    # optional columns the sample does not draw are left out of the files, as exports do
    columns = [c.name for c in PROCEDURES.columns if c.name in procedures.columns]
    mid_year = procedures.with_columns(
        status=pl.when(pl.int_range(pl.len()) % 97 == 0)
        .then(pl.lit("Đang áp dụng"))
        .otherwise("status")
    )
    text = as_text(mid_year.select(columns), date_format="%d/%m/%Y", yes="x", no="")
    text = text.with_columns(online_level=pl.col("online_level").replace("", None))
    bad = text.head(2).with_columns(
        procedure_code=pl.format("9.00000{}", pl.int_range(pl.len())),
        decision_date=pl.lit("chưa rõ"),
    )
    write_csv(
        with_headers(pl.concat([text, bad]), PROCEDURES), folder / "danh_muc_tthc_2024-06-30.csv"
    )
    final = as_text(procedures.select(columns), date_format="%d/%m/%Y")
    twin = final.slice(10, 1).with_columns(procedure_name=pl.lit("Tên cũ của thủ tục"))
    final = pl.concat([final.head(10), twin, final.slice(10)])
    write_xlsx(
        with_headers(final, PROCEDURES),
        folder / "danh_muc_tthc_2024-12-31.xlsx",
        title_rows=["DANH MỤC THỦ TỤC HÀNH CHÍNH", "Tỉnh Bình Thuận"],
        units_row=False,
    )
    return 2


def generate(
    out: Path,
    *,
    year: int = 2024,
    seed: int = 20240101,
    scale: float = 1.0,
    plain: bool = False,
    as_of: dt.date | None = None,
    echo: Callable[[str], None] = lambda _: None,
) -> GenerateReport:
    """`plain`: every dossier month as UTF-8 CSV with commas (for the benchmark's DuckDB floor,
    which reads them all with one read_csv); the injected row defects stay. `as_of`: the export
    date of the current year's files (2026: the months before it)."""
    if year not in YEARS:
        raise ValueError(
            f"no sample data for {year}: the generator writes "
            f"{', '.join(str(y) for y in YEARS)} (2024 calibrated to the published figures)"
        )
    started = time.time()
    if year != CALIBRATED_YEAR:
        as_of = as_of or AS_OF
        report = generate_later(out, year, seed=seed, scale=scale, as_of=as_of, echo=echo)
        date_files(out, started, coverage(year, as_of).export_at)
        return report
    rng = np.random.default_rng(seed)
    out = Path(out)
    procedures = catalogue(rng)
    report = GenerateReport()
    report.files += _write_procedures(out, procedures)
    # above scale 1 the .xlsx month is written as CSV: a spreadsheet writer is row by row
    frames = _month_frames(rng, year, scale, procedures)
    _write_dossiers(out, frames, echo, report, spreadsheets=scale <= 1 and not plain, plain=plain)
    report.files += writers.write_engagement(out, engagement.events(rng, year))
    report.files += writers.write_welfare(out, welfare.activities(rng, year))
    report.files += writers.write_feedback(out, feedback.items(rng, year))
    report.files += writers.write_models(out, models.registers(rng, year))
    echo("  engagement, welfare, feedback and model registers written")
    date_files(out, started, EXPORT_AT)
    return report
