"""What a landed file really is, from its first bytes: mail gateways and zip tools deliver
archives renamed `.csv`, Windows saves `.xls` under an `.xlsx` name, Excel writes UTF-16 with or
without a byte-order mark. The reader names that cause instead of a misleading parse error."""

from __future__ import annotations

import zipfile
from pathlib import Path

from schemas.headers import FileRejected

_ARCHIVES = (
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, and password-protected .xlsx
_ZIP = b"PK\x03\x04"


def archive_kind(head: bytes) -> str | None:
    """'gzip', '7z', … when the bytes start like an archive that is not a workbook."""
    return next((kind for magic, kind in _ARCHIVES if head.startswith(magic)), None)


_DOCUMENTS = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"{\\rtf", "an RTF document"),
    (b"<?xml", "an XML file (an Excel 2003 XML spreadsheet?)"),
)


def document_kind(head: bytes) -> str | None:
    """What a file that is no table is, from its first bytes ('a PDF document', …)."""
    found = next((kind for magic, kind in _DOCUMENTS if head.startswith(magic)), None)
    if found or utf16_without_bom(head) or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return found
    controls = sum(1 for byte in head[:4096] if byte < 9 or 13 < byte < 32)
    return "a binary file, not text" if controls > 0.05 * min(len(head), 4096) else None


def is_ole2(head: bytes) -> bool:
    return head.startswith(_OLE2)


def is_zip(head: bytes) -> bool:
    return head.startswith(_ZIP)


def zip_members(path: Path, limit: int = 3) -> list[str]:
    """The first names in a zip archive (to say what a renamed archive holds)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return [info.filename for info in archive.infolist()[:limit]]
    except (zipfile.BadZipFile, OSError):
        return []


def is_workbook_zip(path: Path) -> bool | None:
    """Whether a zip holds a workbook; None when its directory cannot be read (truncated)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return None


def utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' for text whose every other byte is NUL (ASCII letters of
    UTF-16 without a byte-order mark), else None."""
    sample = head[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def old_mac_line_ends(head: bytes) -> bool:
    """Lines ended by CR alone (classic Mac OS, some copy-paste tools): read as one line."""
    return b"\r" in head and b"\n" not in head


def check_content(path: Path, is_xlsx: bool) -> None:
    """Reject a file that is not what its name says, naming what it is."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head.strip():
        raise FileRejected(path, "the file is empty", "file_empty")
    kind = archive_kind(head)
    if kind:
        raise FileRejected(
            path,
            f"the file is a compressed {kind} archive, not a {path.suffix.lower()} file: "
            "unpack it and deliver the file inside",
            "file_compressed",
        )
    document = None if is_zip(head) or is_ole2(head) else document_kind(head)
    if document:
        raise FileRejected(
            path,
            f"the file is {document}, not a table: deliver the export as .xlsx or CSV UTF-8",
            "file_not_a_table",
        )
    if is_ole2(head):
        raise FileRejected(
            path,
            "the file is an Excel 97-2003 workbook (.xls) or a password-protected one: "
            "open it in Excel and save it as .xlsx (without a password) or CSV UTF-8",
            "file_old_xls",
        )
    workbook = is_workbook_zip(path) if is_zip(head) else False
    if is_zip(head) and workbook is None and is_xlsx:
        raise FileRejected(
            path,
            "not a readable .xlsx workbook (damaged or truncated: its zip directory is missing)",
            "file_bad_workbook",
        )
    if is_zip(head) and not workbook:
        count = len(zip_members(path, limit=1000))
        what = "not a readable .xlsx workbook: " if is_xlsx else ""
        raise FileRejected(
            path,
            f"{what}the file is a compressed zip archive ({count} file(s) inside), not a "
            f"{'workbook' if is_xlsx else 'CSV file'}: unpack it and deliver the file inside",
            "file_compressed",
        )
    if is_zip(head) and not is_xlsx:
        raise FileRejected(
            path, "the file is an Excel workbook named .csv: rename it to .xlsx", "file_bad_csv"
        )
    if is_xlsx and not is_zip(head):
        raise FileRejected(
            path,
            "not a readable .xlsx workbook (the bytes are not a workbook: a text or CSV file "
            "named .xlsx? rename it to .csv)",
            "file_bad_workbook",
        )
