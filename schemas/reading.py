"""Read a landed CSV or XLSX into a frame of text cells named by the spec's columns.

Everything is read as text; parsing happens later in bulk. Whole-file problems (encoding, no
header, missing required columns, unreadable workbook) raise `FileRejected` with a message that
names the file and what was expected.
"""

from __future__ import annotations

import codecs
import csv
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from schemas.spec import Column, SourceSpec
from schemas.text import key_expr, normalise_key

HEADER_SEARCH_ROWS = 16  # up to 15 title rows, then the header
ROW = "__row"  # 1-based row number as a person sees it in the file
TOTAL_LABELS = {"tổng cộng", "cộng", "tổng", "tổng số"}
_UNITS_CELL = r"^\(\d+\)$"
_DELIMITERS = (",", ";", "\t")
_VIETNAMESE = set(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
)


class FileRejected(Exception):
    """The whole file cannot be loaded; nothing of it is."""

    def __init__(self, path: Path, message: str):
        super().__init__(f"{path.name}: {message}")
        self.path = path
        self.message = message


@dataclass
class RawTable:
    frame: pl.DataFrame  # one String column per spec column, plus ROW
    totals: pl.DataFrame  # rows labelled Tổng cộng / Cộng (same columns)
    encoding: str
    unknown_headers: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    more_may_follow: bool = False  # a full chunk: the file may go on


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
    if path.suffix.lower() == ".xlsx":
        header, cells, first_row, encoding = _read_xlsx(path, spec)
        yield _dates_of_date_cells(spec, _to_table(path, spec, header, cells, first_row, encoding))
        return
    for header, cells, first_row, encoding, full in _read_csv(path, spec, chunk_rows, scratch):
        table = _to_table(path, spec, header, cells, first_row, encoding)
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


def _check_legacy(path: Path, head: str) -> None:
    """Windows-1258 is read; TCVN3/VNI (legacy font encodings) are rejected, not guessed."""
    head = head[:200_000]  # enough letters to tell the encodings apart
    foreign = [ch for ch in head if ord(ch) > 127 and ch not in _VIETNAMESE]
    letters = sum(1 for ch in head if ord(ch) > 127)
    if letters and len(foreign) / letters > 0.01:
        sample = "".join(dict.fromkeys(foreign))[:10]
        raise FileRejected(
            path,
            "text is not UTF-8 and does not read as Windows-1258 Vietnamese either "
            f"(characters such as {sample!r} suggest a TCVN3/VNI font encoding); "
            "re-save the file as 'CSV UTF-8'",
        )


TRANSCODE_BLOCK_BYTES = 1 << 22


def _transcode(path: Path, encoding: str, target: Path) -> None:
    """The file re-written as UTF-8 into `target` a block at a time, so that a large legacy
    file is not held in memory; Windows-1258 text also in NFC (it types accents as combining
    marks). NFC never joins across a line break, so each block is normalised up to its last
    one."""
    decoder = codecs.getincrementaldecoder(encoding)(
        errors="replace" if encoding == "cp1258" else "strict"
    )
    carry = ""
    with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as out:
        for block in iter(lambda: source.read(TRANSCODE_BLOCK_BYTES), b""):
            text = carry + decoder.decode(block)
            cut = text.rfind("\n") + 1
            ready, carry = text[:cut], text[cut:]
            out.write(unicodedata.normalize("NFC", ready) if encoding == "cp1258" else ready)
        rest = carry + decoder.decode(b"", final=True)
        out.write(unicodedata.normalize("NFC", rest) if encoding == "cp1258" else rest)


def _sniff_encoding(path: Path) -> tuple[str, str]:
    """(encoding, the first part of the text when it is UTF-8, else "")."""
    with path.open("rb") as handle:
        head = handle.read(256 * 1024)
    if not head.strip():
        raise FileRejected(path, "the file is empty")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", ""
    try:
        return "utf-8", codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        _check_legacy(path, unicodedata.normalize("NFC", head.decode("cp1258", errors="replace")))
        return "cp1258", ""


def _as_utf8(path: Path, encoding: str, target: Path) -> str:
    """A UTF-16 or Windows-1258 file re-written as UTF-8 into `target`; the first part of it."""
    try:
        _transcode(path, encoding, target)
    except UnicodeDecodeError as error:
        message = f"not readable as {encoding.upper()} text ({error.reason})"
        raise FileRejected(path, message) from None
    with target.open(encoding="utf-8", newline="") as copy:
        return copy.read(65536)


def _find_csv_header(path: Path, spec: SourceSpec, head: str) -> tuple[int, str, list[str]]:
    lines = head.splitlines()[:HEADER_SEARCH_ROWS]
    index = spec.header_index()
    best = (0, 0, ",", [])
    for number, line in enumerate(lines):
        if len(line) > 20_000:
            continue  # no header row is that long (and csv refuses such fields)
        for delimiter in _DELIMITERS:
            fields = next(csv.reader([line], delimiter=delimiter), [])
            hits = sum(1 for f in fields if _header_key(f) in index)
            if hits > best[0]:
                best = (hits, number, delimiter, fields)
    hits, number, delimiter, fields = best
    if hits < spec.min_header_matches:
        raise FileRejected(path, _no_header_message(spec))
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
    """(header, cells, row number of the first cell row, encoding, batch full) per batch."""
    encoding, head = _sniff_encoding(path)
    with _as_utf8_file(path, encoding, head, scratch) as (source, head):
        header_line, delimiter, _ = _find_csv_header(path, spec, head)
        yield from _csv_grids(path, source, encoding, delimiter, header_line, chunk_rows)


@contextmanager
def _as_utf8_file(
    path: Path, encoding: str, head: str, scratch: Path | None
) -> Iterator[tuple[Path, str]]:
    """(the file to read as UTF-8, its first part): the file itself, or a UTF-8 copy under
    `scratch` while it is read."""
    if encoding == "utf-8":
        yield path, head
        return
    if scratch is not None:
        scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="read-", dir=scratch) as folder:
        source = Path(folder) / "utf8.csv"
        yield source, _as_utf8(path, encoding, source)


def _csv_grids(path, source, encoding, delimiter, header_line, chunk_rows):
    header, first_row = None, header_line + 2
    try:
        for grid in _csv_batches(source, delimiter, header_line, chunk_rows):
            full = grid.height == chunk_rows
            if header is None:
                header, grid = [h or "" for h in grid.row(0)], grid.slice(1)
            yield header, grid, first_row, encoding, full
            first_row += grid.height
    except pl.exceptions.ComputeError as error:
        reason = str(error).splitlines()[0]
        if "utf-8" in reason.lower():
            reason = "invalid UTF-8 further into the file (mixed encodings?)"
        elif "more fields" in reason:
            reason = f"a row has more cells than the header row (delimiter '{delimiter}'): {reason}"
        raise FileRejected(path, f"cannot be read as CSV: {reason}") from None


# ---------------------------------------------------------------- XLSX


def _first_used_row(path: Path, sheet_index: int) -> int:
    """Calamine drops empty leading rows; the sheet's <dimension> tells where data starts."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
            name = f"xl/worksheets/sheet{sheet_index + 1}.xml"
            if name not in names:
                return 1
            with archive.open(name) as handle:
                head = handle.read(4096).decode("utf-8", errors="ignore")
        found = re.search(r'<dimension ref="[A-Z]+(\d+)', head)
        return int(found.group(1)) if found else 1
    except (zipfile.BadZipFile, OSError):
        return 1


def _read_xlsx(path: Path, spec: SourceSpec):
    try:
        reader = fastexcel.read_excel(str(path))
        wanted = {normalise_key(n) for n in (spec.name, spec.folder, *spec.sheet_names)}
        names = reader.sheet_names
        sheet = next((i for i, n in enumerate(names) if normalise_key(n) in wanted), 0)
        grid = reader.load_sheet(sheet, header_row=None, dtypes="string").to_polars()
    except Exception as error:  # fastexcel raises its own error types for every kind of damage
        first = str(error).splitlines()[0][:200]
        raise FileRejected(path, f"not a readable .xlsx workbook ({first})") from None
    if grid.height == 0:
        raise FileRejected(path, "the first sheet is empty")
    grid = grid.rename({c: f"column_{i}" for i, c in enumerate(grid.columns)})
    index = spec.header_index()
    best = (0, 0)
    for number, row in enumerate(grid.head(HEADER_SEARCH_ROWS).iter_rows()):
        hits = sum(1 for cell in row if cell is not None and _header_key(cell) in index)
        if hits > best[0]:
            best = (hits, number)
    if best[0] < spec.min_header_matches:
        raise FileRejected(path, _no_header_message(spec))
    header_at = best[1]
    header = [h or "" for h in grid.row(header_at)]
    first_data_row = _first_used_row(path, sheet) + header_at + 1
    return header, grid.slice(header_at + 1), first_data_row, "xlsx"


# ---------------------------------------------------------------- header → spec columns


def _header_key(text: str) -> str:
    return normalise_key(re.sub(r"[*:]+\s*$", "", str(text)))


def _no_header_message(spec: SourceSpec) -> str:
    expected = ", ".join(f"'{c.header}'" for c in spec.required_columns)
    return (
        f"no header row found in the first {HEADER_SEARCH_ROWS} rows "
        f"(expected the {spec.name} headers {expected}; check the delimiter and the file type)"
    )


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _to_table(path, spec, header, cells: pl.DataFrame, first_row: int, encoding) -> RawTable:
    index = spec.header_index()
    found: dict[str, tuple[Column, int]] = {}
    unknown: list[str] = []
    for position, text in enumerate(header):
        column = index.get(_header_key(text))
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
            )
        found[column.name] = (column, position)
    missing = [c.header for c in spec.required_columns if c.name not in found]
    if missing:
        raise FileRejected(path, "missing required column(s): " + ", ".join(map(repr, missing)))
    source_names = cells.columns
    cells = cells.with_columns(
        pl.int_range(first_row, first_row + cells.height, dtype=pl.Int64).alias(ROW)
    )
    # Only a row with an empty required cell, a first required cell that is blank or a "(1)"
    # units mark, or one of the first and last few rows can be a blank, units or totals row:
    # the full judgement — on every cell, mapped or not, since people type "Tổng cộng" in
    # whichever column they like — runs on those rows alone (a full scan costs seconds).
    required = [source_names[found[c.name][1]] for c in spec.required_columns]
    first = pl.col(required[0]).str.strip_chars()
    position = pl.int_range(pl.len())
    suspect = (
        pl.any_horizontal(*(pl.col(r).is_null() for r in required))
        | (first == "")
        | first.str.starts_with("(")
        | (position < 3)
        | (position >= pl.len() - 5)
    )
    values = [pl.col(c).str.strip_chars() for c in source_names]
    filled = pl.sum_horizontal(*(v.is_not_null() & (v != "") for v in values))
    units = pl.all_horizontal(
        *(v.is_null() | (v == "") | v.str.contains(_UNITS_CELL) for v in values)
    )
    total = pl.any_horizontal(*(key_expr(v).is_in(list(TOTAL_LABELS)) for v in values))
    judged = cells.filter(suspect).with_columns(
        (filled == 0).alias("__blank"),
        (units & (filled > 0)).alias("__units"),
        total.fill_null(False).alias("__total"),
    )
    not_data = judged.filter(pl.col("__blank") | pl.col("__units") | pl.col("__total"))
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
    return RawTable(
        frame=data,
        totals=totals,
        encoding=encoding,
        unknown_headers=unknown,
        missing_optional=[c.header for c in spec.columns if c.name not in found],
    )
