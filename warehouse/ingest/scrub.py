"""Personal data typed where it does not belong, replaced by a marker before anything is
staged: ID- and phone-shaped numbers, and personal names (a surname followed by two or three
capitalised words, or a capitalised word after a form of address). Place names of the
reference (`Phan Rí Cửa`) and a few public names (`Hồ Chí Minh`) are not personal names.

Each distinct text of a column is scrubbed once (free text repeats); the work is regex in
polars, and names found are replaced in one Aho-Corasick pass.
"""

from __future__ import annotations

import re

import polars as pl

from schemas.text import key_expr, normalise_key

NUMBER_MARK = "[số đã ẩn]"
NAME_MARK = "[tên đã ẩn]"

# 9 to 12 digits, single spaces, dots or dashes between them allowed (CCCD 12, CMND 9,
# phones 10–11 with +84), standing alone
_NUMBER = r"(?:\+84[ .\-]?)?\b\d(?:[ .\-]?\d){8,11}\b"
_WORD = r"\p{Lu}\p{Ll}*"
_SURNAMES = (
    "Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Đào|Đoàn|Vương|"
    "Trịnh|Trương|Lâm|Phùng|Mai|Tô|Hà|Tạ|Lương|Đinh|Châu|Cao|Lưu|Thái|Quách|Kiều|Thân|Triệu|"
    "Diệp|Từ|Nông|Kim|Lò|Lại|Tăng|Hứa|Nghiêm|Mạc|Khúc|Chu|Giang|Văn|Tôn|Âu|Doãn|La|Ma|Nguyên"
)
_ADDRESS = r"(?:[ÔôOo]ng|[Bb]à|[Aa]nh|[Cc]hị|[Cc]háu|[Cc]ụ|[Đđ]/[Cc]|[Đđ]ồng chí)"
_NAME = (
    rf"\b(?:(?:{_SURNAMES})(?:\s+{_WORD}){{2,3}}"
    rf"|{_ADDRESS}\s+{_WORD}(?:\s+{_WORD}){{0,3}})\b"
)
# capitalised words of a title, not of a name: "Đ/c Bí thư", "Đồng chí Phó Chủ tịch"
ROLE_WORDS = ("Bí", "Phó", "Chủ", "Trưởng", "Giám", "Thường", "Tổng", "Ủy", "Uỷ", "Hội", "Chánh")
PUBLIC_NAMES = ("Hồ Chí Minh", "Tôn Đức Thắng", "Võ Nguyên Giáp", "Nguyễn Tất Thành")
_LEVEL_WORDS = re.compile(
    r"^(tỉnh|thành phố|tp\.?|thị xã|tx\.?|huyện|h\.|quận|xã|phường|"
    r"thị trấn|tt\.?|đặc khu)\s+"
)


def place_keys(unit_names: list[str]) -> frozenset[str]:
    """The keys of the reference's unit names, with and without their level word."""
    keys = {normalise_key(n) for n in unit_names}
    keys |= {_LEVEL_WORDS.sub("", k) for k in keys}
    return frozenset(keys | {normalise_key(n) for n in PUBLIC_NAMES})


def scrub_series(values: pl.Series, places: frozenset[str]) -> pl.Series:
    """`values` with ID-, phone- and name-shaped content replaced by markers."""
    distinct = values.drop_nulls().unique()
    if distinct.len() == 0:
        return values
    scrubbed = distinct.str.replace_all(_NUMBER, NUMBER_MARK)
    found = pl.DataFrame({"name": scrubbed.str.extract_all(_NAME).explode()}).drop_nulls()
    names = (
        found.unique()
        .filter(~key_expr(pl.col("name")).is_in(list(places)))
        .filter(~pl.col("name").str.split(" ").list.eval(pl.element().is_in(ROLE_WORDS)).list.any())
        .sort(pl.col("name").str.len_chars(), descending=True)  # the longest wins a tie
        .get_column("name")
    )
    if names.len():
        scrubbed = scrubbed.str.replace_many(names.to_list(), [NAME_MARK] * names.len())
    changed = distinct != scrubbed
    if not changed.any():
        return values
    return values.replace(distinct.filter(changed), scrubbed.filter(changed))


def scrub_columns(frame: pl.DataFrame, columns: list[str], places: frozenset[str]):
    present = [c for c in columns if c in frame.columns]
    return frame.with_columns(scrub_series(frame.get_column(c), places) for c in present)


def scrub_text(text: str, places: frozenset[str]) -> str:
    """One text (a header, a message part) scrubbed the same way."""
    return scrub_series(pl.Series([text], dtype=pl.String), places)[0]
