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

from schemas import sniff
from schemas.reasons import code as reason_code
from schemas.spec import Column, SourceSpec
from schemas.text import key_expr, normalise_key, without_accents
from schemas.workbook import SheetFacts, SheetPart, sheet_facts, sheet_parts

HEADER_SEARCH_ROWS = 16  # up to 15 title rows, then the header
HEADER_ROWS = HEADER_SEARCH_ROWS + 1  # the header may span two rows
ROW = "__row"  # 1-based row number as a person sees it in the file
TOTAL_LABELS = {"tổng cộng", "cộng", "tổng", "tổng số"}
_UNITS_CELL = r"^\(\d+\)$"
FOOTER_ROWS = 12  # a signature block stands in the last rows of a sheet
_SIGNATURE = (
    r"người lập|lập biểu|thủ trưởng|giám đốc|kế toán|trưởng ban|chủ tịch|\(ký|ký tên|"
    r"ghi rõ họ tên|đóng dấu|ngày \S+ tháng \S+ năm|^tm\.|^kt\.|nơi nhận"
)
_DELIMITERS = (",", ";", "\t")
_VIETNAMESE = set(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
)


class FileRejected(Exception):
    """The whole file cannot be loaded; nothing of it is."""

    def __init__(self, path: Path, message: str, code: str):
        super().__init__(f"{path.name}: {message}")
        self.path = path
        self.message = message
        self.code = reason_code(code)


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
    _check_content(path, is_xlsx)
    if is_xlsx:
        header, cells, first_row, facts = _read_xlsx(path, spec)
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


def _check_content(path: Path, is_xlsx: bool) -> None:
    """Reject a file that is not what its name says, naming what it is."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head.strip():
        raise FileRejected(path, "the file is empty", "file_empty")
    kind = sniff.archive_kind(head)
    if kind:
        raise FileRejected(
            path,
            f"the file is a compressed {kind} archive, not a {path.suffix.lower()} file: "
            "unpack it and deliver the file inside",
            "file_compressed",
        )
    document = None if sniff.is_zip(head) or sniff.is_ole2(head) else sniff.document_kind(head)
    if document:
        raise FileRejected(
            path,
            f"the file is {document}, not a table: deliver the export as .xlsx or CSV UTF-8",
            "file_not_a_table",
        )
    if sniff.is_ole2(head):
        raise FileRejected(
            path,
            "the file is an Excel 97-2003 workbook (.xls) or a password-protected one: "
            "open it in Excel and save it as .xlsx (without a password) or CSV UTF-8",
            "file_old_xls",
        )
    workbook = sniff.is_workbook_zip(path) if sniff.is_zip(head) else False
    if sniff.is_zip(head) and workbook is None and is_xlsx:
        raise FileRejected(
            path,
            "not a readable .xlsx workbook (damaged or truncated: its zip directory is missing)",
            "file_bad_workbook",
        )
    if sniff.is_zip(head) and not workbook:
        count = len(sniff.zip_members(path, limit=1000))
        what = "not a readable .xlsx workbook: " if is_xlsx else ""
        raise FileRejected(
            path,
            f"{what}the file is a compressed zip archive ({count} file(s) inside), not a "
            f"{'workbook' if is_xlsx else 'CSV file'}: unpack it and deliver the file inside",
            "file_compressed",
        )
    if sniff.is_zip(head) and not is_xlsx:
        raise FileRejected(
            path, "the file is an Excel workbook named .csv: rename it to .xlsx", "file_bad_csv"
        )
    if is_xlsx and not sniff.is_zip(head):
        raise FileRejected(
            path,
            "not a readable .xlsx workbook (the bytes are not a workbook: a text or CSV file "
            "named .xlsx? rename it to .csv)",
            "file_bad_workbook",
        )


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
            "file_encoding",
        )


TRANSCODE_BLOCK_BYTES = 1 << 22


def _transcode(path: Path, encoding: str, target: Path) -> None:
    """The file re-written as UTF-8 into `target` a block at a time, so that a large legacy
    file is not held in memory; Windows-1258 text also in NFC (it types accents as combining
    marks). NFC never joins across a line break, so each block is normalised up to its last
    one. Lines ended by CR alone become LF lines (`CR_LINES` marks such a file)."""
    if encoding.endswith(CR_LINES):
        encoding, lines_by_cr = encoding[: -len(CR_LINES)], True
    else:
        lines_by_cr = False
    decoder = codecs.getincrementaldecoder(encoding)(
        errors="replace" if encoding == "cp1258" else "strict"
    )
    carry = ""
    with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as out:
        for block in iter(lambda: source.read(TRANSCODE_BLOCK_BYTES), b""):
            text = carry + decoder.decode(block)
            text = text.replace("\r", "\n") if lines_by_cr else text
            cut = text.rfind("\n") + 1
            ready, carry = text[:cut], text[cut:]
            out.write(unicodedata.normalize("NFC", ready) if encoding == "cp1258" else ready)
        rest = carry + decoder.decode(b"", final=True)
        rest = rest.replace("\r", "\n") if lines_by_cr else rest
        out.write(unicodedata.normalize("NFC", rest) if encoding == "cp1258" else rest)


CR_LINES = "+cr"  # suffix of an encoding whose lines end with CR alone


def _sniff_encoding(path: Path) -> tuple[str, str]:
    """(encoding, the first part of the text when it is UTF-8 as it stands, else "")."""
    with path.open("rb") as handle:
        head = handle.read(256 * 1024)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", ""
    without_bom = sniff.utf16_without_bom(head)
    if without_bom:
        return without_bom, ""
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        if sniff.old_mac_line_ends(head):
            return "utf-8-sig" + CR_LINES, ""
        return "utf-8", text
    except UnicodeDecodeError:
        _check_legacy(path, unicodedata.normalize("NFC", head.decode("cp1258", errors="replace")))
        return "cp1258" + (CR_LINES if sniff.old_mac_line_ends(head) else ""), ""


def _as_utf8(path: Path, encoding: str, target: Path) -> str:
    """A UTF-16 or Windows-1258 file re-written as UTF-8 into `target`; the first part of it."""
    try:
        _transcode(path, encoding, target)
    except UnicodeDecodeError as error:
        shown = encoding.removesuffix(CR_LINES).upper()
        message = f"not readable as {shown} text ({error.reason})"
        raise FileRejected(path, message, "file_encoding") from None
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
        hint = ""
        if len(lines) == 1 and len(head) > 2000:
            hint = " (the file reads as one long line: its line endings are not CR, LF or CRLF)"
        rows = [
            next(csv.reader([line], delimiter=d), [])
            for line in lines
            if len(line) <= 20_000
            for d in _DELIMITERS
        ]
        hint = hint or _accentless_header_hint(spec, rows)
        raise FileRejected(path, _no_header_message(spec) + hint, "file_no_header")
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
    encoding, head = _sniff_encoding(path)
    with _as_utf8_file(path, encoding, head, scratch) as (source, head):
        header_line, delimiter, _ = _find_csv_header(path, spec, head)
        shown = encoding.removesuffix("-sig").replace(CR_LINES, " (CR line ends)")
        yield from _csv_grids(path, source, shown, delimiter, header_line, chunk_rows)


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


# ---------------------------------------------------------------- XLSX


def _sheet_head(reader, name: str) -> list[tuple]:
    """The first rows of a sheet, where its header must be; [] for a sheet without cells
    (a chart sheet, a macro sheet)."""
    try:
        sheet = reader.load_sheet(name, header_row=None, dtypes="string", n_rows=HEADER_ROWS)
        return list(sheet.to_polars().iter_rows())
    except Exception:  # fastexcel refuses sheets that hold no cells
        return []


def _choose_sheet(path: Path, spec: SourceSpec, reader, parts: dict[str, SheetPart]) -> str:
    """The visible worksheet whose first rows hold most of the source's headers (a sheet
    named like the source wins a tie, then the first). Hidden sheets (drafts, look-up lists)
    and chart sheets are never read; instruction sheets lose on their headers."""
    names = reader.sheet_names
    only = parts.get(names[0]) if len(names) == 1 else None
    if only is not None and only.is_worksheet and not only.hidden:
        return names[0]  # one sheet: its header is judged once, when it is read
    index = spec.header_index()
    wanted = {normalise_key(n) for n in (spec.name, spec.folder, *spec.sheet_names)}
    visible, hidden = [], []
    for position, name in enumerate(reader.sheet_names):
        part = parts.get(name)
        if part is not None and not part.is_worksheet:
            continue
        hits = _best_header(_sheet_head(reader, name), index)[0]
        entry = (hits, normalise_key(name) in wanted, -position, name)
        (hidden if part is not None and part.hidden else visible).append(entry)
    best = max(visible, default=(0, False, 0, ""))
    if best[0] >= spec.min_header_matches:
        return best[3]
    found = [e[3] for e in hidden if e[0] >= spec.min_header_matches]
    if found:
        raise FileRejected(
            path,
            f"the {spec.name} headers are only on a hidden sheet ('{found[0]}'); unhide it (or "
            "copy the table to a visible sheet) so that the file says which sheet is the data",
            "file_no_sheet",
        )
    shown = ", ".join(f"'{e[3]}'" for e in sorted(visible, key=lambda e: -e[2]))
    heads = [row for e in visible for row in _sheet_head(reader, e[3])]
    message = _no_header_message(spec) + f" on any visible sheet ({shown})"
    message += _accentless_header_hint(spec, [[c or "" for c in row] for row in heads])
    raise FileRejected(path, message, "file_no_header")


def _read_xlsx(path: Path, spec: SourceSpec):
    """(header, cell grid below it, sheet row of its first grid row, sheet facts)."""
    try:
        reader = fastexcel.read_excel(str(path))
        with zipfile.ZipFile(path) as archive:
            parts = {p.name: p for p in sheet_parts(archive)}
            name = _choose_sheet(path, spec, reader, parts)
            part = parts.get(name)
            facts = (
                sheet_facts(archive, part.part)
                if part and part.part in archive.namelist()
                else None
            )
        grid = reader.load_sheet(name, header_row=None, dtypes="string").to_polars()
    except FileRejected:
        raise
    except Exception as error:  # fastexcel and zipfile raise their own types for every damage
        # the type only: a reader's message may quote a cell
        message = f"not a readable .xlsx workbook ({type(error).__name__}: damaged or truncated)"
        raise FileRejected(path, message, "file_bad_workbook") from None
    facts = facts or SheetFacts(1, 0, _NO_MERGES, _NO_PROBLEMS)
    grid = grid.rename({c: f"column_{i}" for i, c in enumerate(grid.columns)})
    head = list(grid.head(HEADER_ROWS).iter_rows())
    hits, header_at, header_rows, header = _best_header(head, spec.header_index())
    if hits < spec.min_header_matches:
        hint = _accentless_header_hint(spec, [[c or "" for c in row] for row in head])
        raise FileRejected(path, _no_header_message(spec) + hint, "file_no_header")
    first_data_row = facts.first_row + header_at + header_rows
    return header, grid.slice(header_at + header_rows), first_data_row, facts


_NO_MERGES = pl.DataFrame(schema={"first_row": pl.Int64, "last_row": pl.Int64, "column": pl.Int64})
_NO_PROBLEMS = pl.DataFrame(schema={"row": pl.Int64, "column": pl.Int64, "kind": pl.String})


def _hits(cells: list[str], index: dict[str, Column]) -> int:
    return len({index[k].name for k in map(_header_key, cells) if k in index})


def _two_row_header(top: tuple, bottom: tuple, index: dict[str, Column]) -> list[str]:
    """One header from two rows: a cell merged down two rows keeps its text in the top
    row; a group header merged across columns ('Số ý kiến' over 'Nêu ra', 'Giải quyết')
    stands left of its sub-headers, and the pair may read as one header."""
    merged, group = [], ""
    for upper, lower in zip(top, bottom, strict=True):
        upper, lower = upper or "", lower or ""
        group = upper or group
        candidates = [lower, upper, f"{group} {lower}"]
        found = next((c for c in candidates if c.strip() and _header_key(c) in index), None)
        merged.append(found if found is not None else (lower or upper))
    return merged


def _best_header(rows: list[tuple], index: dict[str, Column]):
    """(hits, row of the header, 1 or 2 rows, header cells) of the best header in `rows`."""
    best: tuple[int, int, int, list[str]] = (0, 0, 1, [])
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [c or "" for c in row]
        hits = _hits(cells, index)
        if hits > best[0]:
            best = (hits, number, 1, cells)
        if number + 1 < len(rows):
            pair = _two_row_header(row, rows[number + 1], index)
            hits = _hits(pair, index)
            if hits > best[0]:
                best = (hits, number, 2, pair)
    return best


# ---------------------------------------------------------------- header → spec columns


def _header_key(text: str) -> str:
    return normalise_key(re.sub(r"[*:]+\s*$", "", str(text)))


def _no_header_message(spec: SourceSpec) -> str:
    expected = ", ".join(f"'{c.header}'" for c in spec.required_columns)
    return (
        f"no header row found in the first {HEADER_SEARCH_ROWS} rows "
        f"(expected the {spec.name} headers {expected}; check the delimiter and the file type)"
    )


def _accentless_header_hint(spec: SourceSpec, rows: list[list[str]]) -> str:
    """A row that holds the headers once their accents are ignored: the real cause."""
    keys = {without_accents(h) for c in spec.columns for h in c.headers}
    for row in rows:
        if sum(1 for cell in row if without_accents(str(cell)) in keys) >= spec.min_header_matches:
            return " (a row holds the headers typed without their accents: type them with accents)"
    return ""


def _unaccented_hint(missing: list[Column], present: list[str]) -> str:
    """Headers typed without their Vietnamese accents ('Ma ho so') are there but do not
    match: say so, instead of only 'missing'."""
    typed = {without_accents(h): h for h in present}
    pairs = [
        (typed[key], c.header)
        for c in missing
        for key in map(without_accents, c.headers)
        if key in typed
    ]
    if not pairs:
        return ""
    shown = ", ".join(f"'{found}' for '{header}'" for found, header in pairs[:5])
    return f" (found {shown}: type the headers with their accents)"


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
                "file_duplicate_column",
            )
        found[column.name] = (column, position)
    missing = [c for c in spec.required_columns if c.name not in found]
    if missing:
        raise FileRejected(
            path,
            "missing required column(s): "
            + ", ".join(repr(c.header) for c in missing)
            + _unaccented_hint(missing, unknown),
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
