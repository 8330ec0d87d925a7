"""What a .xlsx says about itself beyond its cell values, read from its XML parts: which
sheets are worksheets and which are hidden, where a sheet's used range starts, its merged
ranges, and the cells that hold an Excel error or a formula saved without its calculated value
(the cell reader gives both as empty)."""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import polars as pl

_SHEET = re.compile(r"<sheet\b([^>]*)/?>")
_ATTRIBUTE = re.compile(r'([\w:]+)="([^"]*)"')
_RELATION = re.compile(r"<Relationship\b([^>]*)/?>")
# the sheet's XML is scanned as bytes: decoding it would cost more than the scan
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+)(\d+)')
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_ERROR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>')
# a formula followed by no value (or an empty one) before the cell closes
_FORMULA_ONLY = re.compile(
    rb"<c\b([^>]*)>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v></v>)?\s*</c>"
)
_REFERENCE = re.compile(rb'\br="([A-Z]+)(\d+)"')
_BLOCK = 1 << 22


@dataclass(frozen=True)
class SheetPart:
    name: str
    part: str  # the XML part in the archive, e.g. xl/worksheets/sheet2.xml
    is_worksheet: bool  # not a chart sheet or a macro sheet
    hidden: bool


def column_number(letters: str) -> int:
    """'A' → 0, 'AB' → 27."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _attributes(text: str) -> dict[str, str]:
    return {k.split(":")[-1]: v for k, v in _ATTRIBUTE.findall(text)}


def sheet_parts(archive: zipfile.ZipFile) -> list[SheetPart]:
    """The workbook's sheets in tab order; [] when a generator left the parts that say so out
    (the cell reader may still read the cells)."""
    try:
        workbook = archive.read("xl/workbook.xml").decode("utf-8", errors="replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", errors="replace")
    except KeyError:
        return []
    targets = {}
    for found in _RELATION.finditer(rels):
        attributes = _attributes(found.group(1))
        target = attributes.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[attributes.get("Id")] = str(PurePosixPath(path))
    sheets = []
    for found in _SHEET.finditer(workbook):
        attributes = _attributes(found.group(1))
        part = targets.get(attributes.get("id"), "")
        sheets.append(
            SheetPart(
                name=html.unescape(attributes.get("name", "")),
                part=part,
                is_worksheet="/worksheets/" in part,
                hidden=attributes.get("state", "visible") != "visible",
            )
        )
    return sheets


def _blocks(archive: zipfile.ZipFile, part: str):
    """The part's bytes in blocks cut after a closing tag, so no cell spans two blocks."""
    carry = b""
    with archive.open(part) as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            text = carry + block
            cut = text.rfind(b"</row>") + len(b"</row>") if b"</row>" in text else 0
            yield text[:cut]
            carry = text[cut:]
    yield carry


@dataclass
class SheetFacts:
    first_row: int  # the sheet row (1-based) of the reader's first grid row
    first_column: int  # the sheet column (0-based) of the reader's first grid column
    merges: pl.DataFrame  # first_row, last_row, column (0-based): vertical merges of one column
    problems: pl.DataFrame  # row (1-based), column (0-based), kind: 'error' | 'formula'


def sheet_facts(archive: zipfile.ZipFile, part: str) -> SheetFacts:
    """Where the used range starts, the vertical merges, and the cells the reader cannot
    give a value for. Only the few matching cells are collected; the scan is regex over
    the XML a block at a time."""
    first_row, first_column, merges, problems = None, 0, [], []
    for text in _blocks(archive, part):
        if first_row is None:
            found = _DIMENSION.search(text[:4096])
            first_row = int(found.group(2)) if found else 1
            first_column = column_number(found.group(1).decode()) if found else 0
        for pattern, kind, marker in (
            (_ERROR_CELL, "error", b't="e"'),
            (_FORMULA_ONLY, "formula", b"<f"),
        ):
            if marker not in text:  # most sheets have neither: a substring search skips them
                continue
            for cell in pattern.finditer(text):
                reference = _REFERENCE.search(cell.group(1))
                if reference:
                    row = int(reference.group(2))
                    column = column_number(reference.group(1).decode())
                    problems.append((row, column, kind))
        for a, r1, b, r2 in _MERGE.findall(text) if b"<mergeCell " in text else ():
            if a == b and r1 != r2:
                merges.append((int(r1), int(r2), column_number(a.decode())))
    return SheetFacts(
        first_row=first_row or 1,
        first_column=first_column,
        merges=pl.DataFrame(
            merges,
            schema={"first_row": pl.Int64, "last_row": pl.Int64, "column": pl.Int64},
            orient="row",
        ),
        problems=pl.DataFrame(
            problems, schema={"row": pl.Int64, "column": pl.Int64, "kind": pl.String}, orient="row"
        ),
    )
