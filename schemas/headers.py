"""Finding a source's header in the first rows of a file, and the rejection of a whole file.

Headers match by `normalise_key` (case, spaces, invisible characters, NFC/NFD) and by the
spec's aliases; a header may span two rows of a workbook. When none is found, the message says
what was looked for and, where it can tell, why it was not found.
"""

from __future__ import annotations

import re
from pathlib import Path

from schemas.reasons import code as reason_code
from schemas.spec import Column, SourceSpec
from schemas.text import normalise_key, without_accents

HEADER_SEARCH_ROWS = 16  # up to 15 title rows, then the header
HEADER_ROWS = HEADER_SEARCH_ROWS + 1  # the header may span two rows


class FileRejected(Exception):
    """The whole file cannot be loaded; nothing of it is."""

    def __init__(self, path: Path, message: str, code: str):
        super().__init__(f"{path.name}: {message}")
        self.path = path
        self.message = message
        self.code = reason_code(code)


def header_key(text: str) -> str:
    return normalise_key(re.sub(r"[*:]+\s*$", "", str(text)))


def no_header_message(spec: SourceSpec) -> str:
    expected = ", ".join(f"'{c.header}'" for c in spec.required_columns)
    return (
        f"no header row found in the first {HEADER_SEARCH_ROWS} rows "
        f"(expected the {spec.name} headers {expected}; check the delimiter and the file type)"
    )


def accentless_header_hint(spec: SourceSpec, rows: list[list[str]]) -> str:
    """A row that holds the headers once their accents are ignored: the real cause."""
    keys = {without_accents(h) for c in spec.columns for h in c.headers}
    for row in rows:
        if sum(1 for cell in row if without_accents(str(cell)) in keys) >= spec.min_header_matches:
            return " (a row holds the headers typed without their accents: type them with accents)"
    return ""


def unaccented_hint(missing: list[Column], present: list[str]) -> str:
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


def _hits(cells: list[str], index: dict[str, Column]) -> int:
    return len({index[k].name for k in map(header_key, cells) if k in index})


def _two_row_header(top: tuple, bottom: tuple, index: dict[str, Column]) -> list[str]:
    """One header from two rows: a cell merged down two rows keeps its text in the top
    row; a group header merged across columns ('Số ý kiến' over 'Nêu ra', 'Giải quyết')
    stands left of its sub-headers, and the pair may read as one header."""
    merged, group = [], ""
    for upper, lower in zip(top, bottom, strict=True):
        upper, lower = upper or "", lower or ""
        group = upper or group
        candidates = [lower, upper, f"{group} {lower}"]
        found = next((c for c in candidates if c.strip() and header_key(c) in index), None)
        merged.append(found if found is not None else (lower or upper))
    return merged


def best_header(rows: list[tuple], index: dict[str, Column]):
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
