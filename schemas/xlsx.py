"""The sheet of a workbook that holds the data, read as a grid of text cells.

The visible worksheet whose first rows hold most of the source's headers is read; hidden
sheets, chart sheets and instruction sheets are not. What the cell reader cannot tell (where
the used range starts, merged ranges, error values and formulas without a value) comes from
the workbook's XML (schemas/workbook.py).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import fastexcel
import polars as pl

from schemas.headers import (
    HEADER_ROWS,
    FileRejected,
    accentless_header_hint,
    best_header,
    no_header_message,
)
from schemas.spec import SourceSpec
from schemas.text import normalise_key
from schemas.workbook import SheetFacts, SheetPart, sheet_facts, sheet_parts


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
        hits = best_header(_sheet_head(reader, name), index)[0]
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
    message = no_header_message(spec) + f" on any visible sheet ({shown})"
    message += accentless_header_hint(spec, [[c or "" for c in row] for row in heads])
    raise FileRejected(path, message, "file_no_header")


def read_xlsx(path: Path, spec: SourceSpec):
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
    hits, header_at, header_rows, header = best_header(head, spec.header_index())
    if hits < spec.min_header_matches:
        hint = accentless_header_hint(spec, [[c or "" for c in row] for row in head])
        raise FileRejected(path, no_header_message(spec) + hint, "file_no_header")
    first_data_row = facts.first_row + header_at + header_rows
    return header, grid.slice(header_at + header_rows), first_data_row, facts


_NO_MERGES = pl.DataFrame(schema={"first_row": pl.Int64, "last_row": pl.Int64, "column": pl.Int64})
_NO_PROBLEMS = pl.DataFrame(schema={"row": pl.Int64, "column": pl.Int64, "kind": pl.String})
