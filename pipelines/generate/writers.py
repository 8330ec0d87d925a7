"""Files of the mass-organisation sources, with the defects listed in defects.DEFECTS."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.generate import defects
from pipelines.generate.export import as_text, with_headers, write_csv, write_xlsx
from schemas.engagement import SPEC as ENGAGEMENT
from schemas.feedback import SPEC as FEEDBACK
from schemas.models import SPEC as MODELS
from schemas.welfare import SPEC as WELFARE

STAMP = "20250110080000"


def columns_of(spec) -> list[str]:
    return [c.name for c in spec.columns if c.kind != "ignore"]


def _vn_number(column: str) -> pl.Expr:
    """1234567 → '1.234.567', as people type amounts in Vietnamese spreadsheets."""
    digits = pl.col(column).cast(pl.Int64).cast(pl.String)
    grouped = digits.str.reverse().str.replace_all(r"(\d{3})", "${1}.").str.reverse()
    return grouped.str.strip_chars_start(".").alias(column)


def write_engagement(landing: Path, frame: pl.DataFrame) -> int:
    folder = landing / ENGAGEMENT.folder
    written = 0
    for (quarter,), part in sorted(frame.partition_by("quarter", as_dict=True).items()):
        text = as_text(part.select(columns_of(ENGAGEMENT)), date_format="%d/%m/%Y")
        name = f"tiep_dan_doi_thoai_{quarter}"
        if quarter.endswith("Q1"):
            text = defects.with_changes(text, 2, admin_unit_code="99999")
            write_xlsx(
                with_headers(text, ENGAGEMENT),
                folder / f"{name}.xlsx",
                title_rows=["TỈNH ỦY BÌNH THUẬN", "KẾT QUẢ TIẾP CÔNG DÂN, ĐỐI THOẠI"],
                units_row=False,
            )
        elif quarter.endswith("Q2"):
            early = text.head(text.height - 10)
            write_csv(with_headers(early, ENGAGEMENT), folder / f"{name}.csv")
            text = defects.with_changes(text, 1, event_date="15/03/2024")
            write_csv(with_headers(text, ENGAGEMENT), folder / f"{name}__{STAMP}.csv")
            written += 1
        elif quarter.endswith("Q3"):
            write_csv(with_headers(text, ENGAGEMENT), folder / f"{name}.csv", normal_form="NFD")
        else:
            text = defects.with_changes(text, 1, opinions_raised="2", opinions_resolved="5")
            text = defects.with_changes(
                text, 1, level="Xã", admin_unit_code="22942", event_date="10/12/2024"
            )
            text = pl.concat([text, text.slice(20, 3)])
            write_csv(with_headers(text, ENGAGEMENT), folder / f"{name}.csv", separator=";")
        written += 1
    return written


def welfare_text(part: pl.DataFrame) -> pl.DataFrame:
    text = as_text(part.select(columns_of(WELFARE)), date_format="%d/%m/%Y")
    return text.with_columns(
        row_label=pl.int_range(1, pl.len() + 1).cast(pl.String),
        quantity=pl.col("quantity"),
        value_vnd=_vn_number("value_vnd"),
    ).select("row_label", *columns_of(WELFARE))


def with_totals(text: pl.DataFrame, value_error: int = 0) -> pl.DataFrame:
    numbers = text.select(
        pl.col("quantity").cast(pl.Int64).sum(),
        pl.col("value_vnd").str.replace_all(r"\.", "").cast(pl.Int64).sum() + value_error,
    )
    total = pl.DataFrame(
        {
            "row_label": ["Tổng cộng"],
            "quantity": [str(numbers["quantity"][0])],
            "value_vnd": [str(numbers["value_vnd"][0])],
        }
    )
    total = total.with_columns(_vn_number("value_vnd"))
    return pl.concat([text, total], how="diagonal")


WELFARE_ROW_DEFECTS = {
    ("MTTQ", "Q1"): [
        {"admin_unit": "Huyện Hàm Thuận"},
        {"admin_unit": "H. Hàm Thuận"},
        {"admin_unit": "Xã Xyz"},
    ],
    ("HLHPN", "Q4"): [{"value_vnd": "1.000.000.000.000.000"}],
    ("HCCB", "Q2"): [{"quantity": "0"}],
    ("DTN", "Q1"): [{"activity_date": "15/06/2024"}],
}


def write_welfare(landing: Path, frame: pl.DataFrame) -> int:
    folder = landing / WELFARE.folder
    written = 0
    headers = {"row_label": "STT"}
    for (org, quarter), part in sorted(frame.partition_by("org", "quarter", as_dict=True).items()):
        text = welfare_text(part)
        for cells in WELFARE_ROW_DEFECTS.get((org, quarter[-2:]), []):
            text = defects.with_changes(text, 1, **cells)
        if (org, quarter[-2:]) == ("MTTQ", "Q2"):
            text = pl.concat([text, text.slice(5, 3)])
        error = 1_000_000 if (org, quarter[-2:]) == ("HND", "Q3") else 0
        sheet = with_headers(with_totals(text, error), WELFARE, headers)
        name = f"an_sinh_{org}_{quarter}"
        if org == "DTN":
            write_xlsx(
                sheet,
                folder / f"{name}.xlsx",
                units_row=True,
                title_rows=["TỈNH ĐOÀN BÌNH THUẬN", f"BÁO CÁO AN SINH XÃ HỘI {quarter}"],
                merge_titles=True,
            )
        elif (org, quarter[-2:]) == ("HLHPN", "Q3"):
            write_csv(sheet, folder / f"{name}.csv", normal_form="NFD")
        elif (org, quarter[-2:]) == ("LDLD", "Q2"):
            wrong = with_totals(text.with_columns(value_vnd=pl.lit("1.000")))
            write_csv(with_headers(wrong, WELFARE, headers), folder / f"{name}.csv")
            write_csv(sheet, folder / f"{name}__{STAMP}.csv")
            written += 1
        else:
            write_csv(sheet, folder / f"{name}.csv")
        written += 1
    return written


def write_feedback(landing: Path, frame: pl.DataFrame) -> int:
    folder = landing / FEEDBACK.folder
    written = 0
    for (month,), part in sorted(frame.partition_by("month", as_dict=True).items()):
        text = as_text(part.select(columns_of(FEEDBACK)), date_format="%d/%m/%Y %H:%M")
        if month.endswith("-05"):
            text = defects.with_changes(
                text, 2, code_column="feedback_code", due_at="01/05/2024 08:00"
            )
        path = folder / f"pakn_{month}.{'xlsx' if month.endswith('-08') else 'csv'}"
        if path.suffix == ".xlsx":
            write_xlsx(with_headers(text, FEEDBACK), path, title_rows=[], units_row=False)
        else:
            write_csv(with_headers(text, FEEDBACK), path)
        written += 1
    return written


def write_models(landing: Path, registers: dict[int, pl.DataFrame]) -> int:
    folder = landing / MODELS.folder
    for year, frame in registers.items():
        text = as_text(frame.select(columns_of(MODELS)))
        if year == max(registers):
            twin = text.slice(3, 1).with_columns(status=pl.lit("Đăng ký"))
            text = pl.concat([text.head(3), twin, text.slice(3)])
            write_xlsx(
                with_headers(text, MODELS),
                folder / f"dan_van_kheo_{year}.xlsx",
                title_rows=["BAN DÂN VẬN TỈNH ỦY", f"SỔ ĐĂNG KÝ MÔ HÌNH DÂN VẬN KHÉO {year}"],
                units_row=False,
            )
        else:
            write_csv(with_headers(text, MODELS), folder / f"dan_van_kheo_{year}.csv")
    return len(registers)
