"""Read a landed CSV or XLSX into a frame of text cells named by the spec's columns.

Everything is read as text; parsing happens later in bulk. Whole-file problems (encoding, no
header, missing required columns, unreadable workbook) raise `FileRejected` with a message that
names the file and what was expected.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from schemas import sniff
from schemas.encodings import CR_LINES, as_utf8_file, sniff_encoding
from schemas.headers import (
    HEADER_SEARCH_ROWS,
    FileRejected,
    accentless_header_hint,
    header_key,
    no_header_message,
    unaccented_hint,
)
from schemas.spec import Column, SourceSpec
from schemas.text import key_expr
from schemas.xlsx import read_xlsx

ROW = "__row"  # 1-based row number as a person sees it in the file
TOTAL_LABELS = {"tổng cộng", "cộng", "tổng", "tổng số"}
_UNITS_CELL = r"^\(\d+\)$"
FOOTER_ROWS = 12  # a signature block stands in the last rows of a sheet
_SIGNATURE = (
    r"người lập|lập biểu|thủ trưởng|giám đốc|kế toán|trưởng ban|chủ tịch|\(ký|ký tên|"
    r"ghi rõ họ tên|đóng dấu|ngày \S+ tháng \S+ năm|^tm\.|^kt\.|nơi nhận"
)
_DELIMITERS = (",", ";", "\t")


@dataclass
class RawTable:
    frame: pl.DataFrame  # one String column per spec column, plus ROW
    totals: pl.DataFrame  # rows labelled Tổng cộng / Cộng (same columns)
    encoding: str
    unknown_headers: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    more_may_follow: bool = False  # a full chunk: the file may go on
    # cells the reader gives as empty but which are not: (row, column, kind) with kind
    # 'error' (an Excel error value) or 'formula' (a formula saved without its value)
    cell_problems: pl.DataFrame | None = None


def read_table(path: Path, spec: SourceSpec) -> RawTable:
    """The whole file as one table."""
    (table,) = read_tables(path, spec, chunk_rows=None)
    return table


def read_tables(
    path: Path, spec: SourceSpec, chunk_rows: int | None, scratch: Path | None = None
) -> Iterator[RawTable]:
    """The file as tables of at most `chunk_rows` rows each, in file order (`None`: one table).
    A CSV is read in streamed batches, so memory follows the chunk, not the file; an XLSX
    sheet (at most 1,048,576 rows) comes whole. `FileRejected` can come at any chunk. A legacy
    encoded CSV is re-written as UTF-8 under `scratch` (it holds the file's personal data:
    the ingest passes a folder of the data directory; default the system's temporary one)."""
    is_xlsx = path.suffix.lower() == ".xlsx"
    sniff.check_content(path, is_xlsx)
    if is_xlsx:
        header, cells, first_row, facts = read_xlsx(path, spec)
        table = _to_table(path, spec, header, cells, first_row, "xlsx", facts)
        yield _dates_of_date_cells(spec, table)
        return
    for header, cells, first_row, encoding, full, breaks in _read_csv(
        path, spec, chunk_rows, scratch
    ):
        table = _to_table(path, spec, header, cells, first_row, encoding, breaks=breaks)
        table.more_may_follow = full
        yield table


def _dates_of_date_cells(spec: SourceSpec, table: RawTable) -> RawTable:
    """Excel has no date-only cells: a date typed in a sheet is a date-time at 00:00:00, and the
    reader does not see the cell's format. Where a date alone has a meaning of its own (a due
    date is then the end of that day), such a cell is read as the date it was typed as."""
    columns = [c.name for c in spec.columns if c.date_only_is_end_of_day]
    if columns:
        table.frame = table.frame.with_columns(
            pl.col(c).str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "${1}") for c in columns
        )
    return table


# ---------------------------------------------------------------- CSV


def _find_csv_header(path: Path, spec: SourceSpec, head: str) -> tuple[int, str, list[str]]:
    lines = head.splitlines()[:HEADER_SEARCH_ROWS]
    index = spec.header_index()
    best = (0, 0, ",", [])
    for number, line in enumerate(lines):
        if len(line) > 20_000:
            continue  # no header row is that long (and csv refuses such fields)
        for delimiter in _DELIMITERS:
            fields = next(csv.reader([line], delimiter=delimiter), [])
            hits = sum(1 for f in fields if header_key(f) in index)
            if hits > best[0]:
                best = (hits, number, delimiter, fields)
    hits, number, delimiter, fields = best
    if hits < spec.min_header_matches:
        hint = ""
        if len(lines) == 1 and len(head) > 2000:
            hint = " (the file reads as one long line: its line endings are not CR, LF or CRLF)"
        rows = [
            next(csv.reader([line], delimiter=d), [])
            for line in lines
            if len(line) <= 20_000
            for d in _DELIMITERS
        ]
        hint = hint or accentless_header_hint(spec, rows)
        raise FileRejected(path, no_header_message(spec) + hint, "file_no_header")
    return number, delimiter, fields


def _csv_batches(source: Path, delimiter: str, header_line: int, chunk_rows: int | None):
    options = dict(
        has_header=False,
        separator=delimiter,
        skip_lines=header_line,
        infer_schema=False,
        quote_char='"',
    )
    if chunk_rows is None:
        yield pl.read_csv(source, **options)
        return
    yield from pl.scan_csv(source, **options).collect_batches(chunk_size=chunk_rows)


def _read_csv(path: Path, spec: SourceSpec, chunk_rows: int | None, scratch: Path | None):
    """(header, cells, row number of the first cell row, encoding, batch full, line breaks in
    each record) per batch."""
    encoding, head = sniff_encoding(path)
    with as_utf8_file(path, encoding, head, scratch) as (source, head):
        header_line, delimiter, _ = _find_csv_header(path, spec, head)
        shown = encoding.removesuffix("-sig").replace(CR_LINES, " (CR line ends)")
        yield from _csv_grids(path, source, shown, delimiter, header_line, chunk_rows)


def _line_breaks(grid: pl.DataFrame) -> pl.Series | None:
    """How many line breaks each record's quoted cells hold (None when none has any): a text
    editor numbers lines, so a record after a multi-line cell starts further down."""
    if grid.width == 0:
        return None
    counts = grid.select(
        pl.sum_horizontal(pl.all().str.count_matches("\n", literal=True).fill_null(0))
    ).to_series()
    return counts if counts.sum() else None


def _csv_grids(path, source, encoding, delimiter, header_line, chunk_rows):
    header, first_row = None, header_line + 2
    try:
        for grid in _csv_batches(source, delimiter, header_line, chunk_rows):
            full = grid.height == chunk_rows
            if header is None:
                header, grid = [h or "" for h in grid.row(0)], grid.slice(1)
            breaks = _line_breaks(grid)
            yield header, grid, first_row, encoding, full, breaks
            first_row += grid.height + (int(breaks.sum()) if breaks is not None else 0)
    except pl.exceptions.ComputeError as error:
        # polars quotes the offending line: its text (personal data, maybe) is never shown
        text = str(error).lower()
        if "utf-8" in text:
            reason, code = "invalid UTF-8 further into the file (mixed encodings?)", "file_encoding"
        elif "more fields" in text:
            reason = (
                f"a row has more cells than the header row (delimiter '{delimiter}'): a cell "
                "holds the delimiter without quotes, or rows were pasted from another file"
            )
            code = "file_bad_csv"
        else:
            reason, code = "the rows do not form a table (unbalanced quotes?)", "file_bad_csv"
        raise FileRejected(path, f"cannot be read as CSV: {reason}", code) from None


# ---------------------------------------------------------------- header → spec columns


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _to_table(
    path, spec, header, cells: pl.DataFrame, first_row: int, encoding, facts=None, breaks=None
) -> RawTable:
    index = spec.header_index()
    found: dict[str, tuple[Column, int]] = {}
    unknown: list[str] = []
    for position, text in enumerate(header):
        column = index.get(header_key(text))
        if column is None:
            if str(text).strip():
                unknown.append(str(text).strip())
            continue
        if column.name in found:
            first = _column_letter(found[column.name][1])
            raise FileRejected(
                path,
                f"column '{column.header}' appears twice (columns {first} and "
                f"{_column_letter(position)}); remove one",
                "file_duplicate_column",
            )
        found[column.name] = (column, position)
    missing = [c for c in spec.required_columns if c.name not in found]
    if missing:
        raise FileRejected(
            path,
            "missing required column(s): "
            + ", ".join(repr(c.header) for c in missing)
            + unaccented_hint(missing, unknown),
            "file_missing_column",
        )
    source_names = cells.columns
    number = pl.int_range(first_row, first_row + cells.height, dtype=pl.Int64)
    if breaks is not None:  # the line a record starts on, after multi-line cells above it
        number = number + pl.lit(breaks.cum_sum() - breaks).cast(pl.Int64)
    cells = cells.with_columns(number.alias(ROW))
    problems = None
    if facts is not None:
        offset = facts.first_column
        filled = {
            source_names[found[c.name][1]]: found[c.name][1] + offset
            for c in spec.columns
            if c.merged_fills_down and c.name in found
        }
        cells = _fill_merged(cells, facts.merges, filled)
        named_at = {found[name][1] + offset: name for name in found}
        problems = facts.problems.filter(pl.col("column").is_in(list(named_at))).select(
            "row", pl.col("column").replace_strict(named_at, return_dtype=pl.String), "kind"
        )
    # Only a row with an empty required cell, a first required cell that is blank or a "(1)"
    # units mark, or one of the first and last few rows can be a blank, units or totals row:
    # the full judgement — on every cell, mapped or not, since people type "Tổng cộng" in
    # whichever column they like — runs on those rows alone (a full scan costs seconds).
    required = [source_names[found[c.name][1]] for c in spec.required_columns]
    first = pl.col(required[0]).str.strip_chars()
    position = pl.int_range(pl.len(), dtype=pl.Int64)  # signed: len − n must not wrap
    suspect = (
        pl.any_horizontal(*(pl.col(r).is_null() for r in required))
        | (first == "")
        | first.str.starts_with("(")
        | (position < 3)
        | (position >= pl.len().cast(pl.Int64) - FOOTER_ROWS)
    )
    values = [pl.col(c).str.strip_chars() for c in source_names]
    filled = pl.sum_horizontal(*(v.is_not_null() & (v != "") for v in values))
    units = pl.all_horizontal(
        *(v.is_null() | (v == "") | v.str.contains(_UNITS_CELL) for v in values)
    )
    total = pl.any_horizontal(*(key_expr(v).is_in(list(TOTAL_LABELS)) for v in values))
    signature = pl.any_horizontal(*(key_expr(v).str.contains(_SIGNATURE) for v in values))
    tail = (position >= pl.len().cast(pl.Int64) - FOOTER_ROWS).alias("__tail")
    judged = (
        cells.with_columns(tail)
        .filter(suspect)
        .with_columns(
            (filled == 0).alias("__blank"),
            (units & (filled > 0)).alias("__units"),
            total.fill_null(False).alias("__total"),
            (filled <= 3).alias("__sparse"),
            (signature.fill_null(False) & (filled <= 3) & pl.col("__tail")).alias("__signs"),
        )
    )
    # a signature block under the table ("Người lập biểu", "(Ký, ghi rõ họ tên)", the clerk's
    # name and phone): its rows and every sparse row after its first line are not data
    signs_from = judged.filter("__signs").get_column(ROW).min()
    footer = (
        pl.lit(False) if signs_from is None else (pl.col(ROW) >= signs_from) & pl.col("__sparse")
    )
    judged = judged.with_columns(footer.alias("__footer"))
    not_data = judged.filter(
        pl.col("__blank") | pl.col("__units") | pl.col("__total") | pl.col("__footer")
    )
    named = [
        pl.col(source_names[found[c.name][1]]).alias(c.name)
        if c.name in found
        else pl.lit(None, pl.String).alias(c.name)
        for c in spec.columns
    ]
    if not_data.height:
        cells = cells.join(not_data.select(ROW), on=ROW, how="anti")
    data = cells.select(*named, ROW)
    totals = judged.filter("__total").select(*named, ROW)
    if problems is not None:
        problems = problems.join(data.select(pl.col(ROW).alias("row")), on="row", how="semi")
    return RawTable(
        frame=data,
        totals=totals,
        encoding=encoding,
        unknown_headers=unknown,
        missing_optional=[c.header for c in spec.columns if c.name not in found],
        cell_problems=problems,
    )


def _fill_merged(cells: pl.DataFrame, merges: pl.DataFrame, columns: dict[str, int]):
    """Cells of a range merged down a column take the text of its top cell (Excel keeps it
    only there), in the columns whose spec says a merged cell stands for every row it spans."""
    for name, sheet_column in columns.items():
        spans = merges.filter(pl.col("column") == sheet_column)
        if spans.height == 0:
            continue
        below = spans.select(
            pl.int_ranges(pl.col("first_row") + 1, pl.col("last_row") + 1).alias(ROW),
            pl.col("first_row").alias("__top"),
        ).explode(ROW)
        tops = cells.select(pl.col(ROW).alias("__top"), pl.col(name).alias("__top_text"))
        fill = below.join(tops, on="__top").select(ROW, "__top_text")
        cells = (
            cells.join(fill, on=ROW, how="left", maintain_order="left")
            .with_columns(pl.coalesce(name, "__top_text").alias(name))
            .drop("__top_text")
        )
    return cells
