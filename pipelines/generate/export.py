"""Typed generated rows → files as offices send them (Vietnamese headers, text values)."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import xlsxwriter

from schemas.spec import SourceSpec

STATUS_LABELS = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}
CHANNEL_LABELS = {1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính công ích"}
CREATED = dt.datetime(2026, 12, 2)  # the spreadsheets' creation time, fixed


@dataclass
class GenerateReport:
    """What a `danvan generate` wrote."""

    files: int = 0
    dossier_rows: int = 0


def as_text(
    frame: pl.DataFrame,
    *,
    date_format: str = "%d/%m/%Y %H:%M:%S",
    labels: bool = False,
    yes: str = "Có",
    no: str = "Không",
) -> pl.DataFrame:
    """Every column as the text a spreadsheet export would hold."""
    out = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if name == "status_code" and labels:
            out.append(column.replace_strict(STATUS_LABELS, return_dtype=pl.String).alias(name))
        elif name == "channel" and labels:
            out.append(column.replace_strict(CHANNEL_LABELS, return_dtype=pl.String).alias(name))
        elif name == "level" and labels:
            out.append((pl.lit("Cấp ") + column.str.to_lowercase()).alias(name))
        elif dtype == pl.Datetime:
            out.append(column.dt.strftime(date_format).alias(name))
        elif dtype == pl.Date:
            out.append(column.dt.strftime(date_format.split(" ")[0]).alias(name))
        elif dtype == pl.Boolean:
            out.append(pl.when(column).then(pl.lit(yes)).otherwise(pl.lit(no)).alias(name))
        elif dtype == pl.Float64:
            out.append(
                column.cast(pl.Int64, strict=False)
                .cast(pl.String)
                .fill_null(column.cast(pl.String))
                .alias(name)
            )
        else:
            out.append(column.cast(pl.String).alias(name))
    return frame.select(out)


def with_headers(
    frame: pl.DataFrame, spec: SourceSpec, header_for: dict[str, str] | None = None
) -> pl.DataFrame:
    headers = {c.name: c.header for c in spec.columns}
    headers.update(header_for or {})
    return frame.rename({c: headers.get(c, c) for c in frame.columns})


def write_csv(
    frame: pl.DataFrame,
    path: Path,
    *,
    separator: str = ",",
    encoding: str = "utf-8",
    normal_form: str = "NFC",
    bom: bool = False,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if encoding == "utf-8" and normal_form == "NFC" and not bom:
        frame.write_csv(path, separator=separator)
        return
    text = unicodedata.normalize(normal_form, frame.write_csv(separator=separator))
    if encoding == "cp1258":
        text = to_cp1258_form(text)
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def to_cp1258_form(text: str) -> str:
    """Windows-1258 has base letters with hats/horns/breves but writes tone marks as combining
    characters: decompose, then recompose everything but the five tone marks."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out: list[str] = []
    pending: list[str] = []  # tone marks waiting for the letter's hat/horn/breve to be joined
    for char in unicodedata.normalize("NFD", text):
        if char in tones:
            pending.append(char)
        elif unicodedata.combining(char) and out:
            out[-1] = unicodedata.normalize("NFC", out[-1] + char)
        else:
            out.extend(pending)
            pending = []
            out.append(char)
    out.extend(pending)
    return "".join(out)


def write_xlsx(
    frame: pl.DataFrame,
    path: Path,
    *,
    title_rows: list[str],
    units_row: bool,
    sheet: str = "Sheet1",
    merge_titles: bool = False,
) -> None:
    """Title rows, the header, an optional units row '(1) (2) …', then the data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with xlsxwriter.Workbook(path, {"constant_memory": True}) as book:
        book.set_properties({"created": CREATED})  # no clock time: one seed, the same bytes
        ws = book.add_worksheet(sheet)
        bold = book.add_format({"bold": True})
        for number, title in enumerate(title_rows):
            if merge_titles:  # titles centred over the table, as people format report headers
                ws.merge_range(number, 0, number, frame.width - 1, title, bold)
            else:
                ws.write_string(number, 0, title, bold)
        row = len(title_rows) + 1
        ws.write_row(row, 0, frame.columns, bold)
        row += 1
        if units_row:
            ws.write_row(row, 0, [f"({i + 1})" for i in range(frame.width)])
            row += 1
        for values in frame.iter_rows():
            ws.write_row(row, 0, ["" if v is None else v for v in values])
            row += 1


def date_files(out: Path, since: float, exported_at: dt.datetime) -> None:
    """Give the files written since `since` the export's time as their modification time: a file
    without an export stamp in its name is dated by it (the report's "data as of")."""
    moment = exported_at.timestamp()
    for path in Path(out).rglob("*"):
        if path.is_file() and path.stat().st_mtime >= since:
            os.utime(path, (moment, moment))
