"""A CSV's text encoding: detected, re-written as UTF-8 when it is not, or rejected with the
encoding named (TCVN3/VNI are never guessed)."""

from __future__ import annotations

import codecs
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from schemas import sniff
from schemas.headers import FileRejected

_VIETNAMESE = set(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
)


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


def sniff_encoding(path: Path) -> tuple[str, str]:
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


@contextmanager
def as_utf8_file(
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
