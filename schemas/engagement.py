"""§3 Citizen reception and dialogue events (tiếp công dân, đối thoại), quarterly files."""

import datetime as dt

import pandera.polars as pa
import polars as pl

from schemas.common import LEVEL_VALUES, LEVELS, UNIT_CODE_PATTERN, strip_float_zero
from schemas.spec import Column, SourceSpec
from schemas.text import key_expr

PERIODIC, ADHOC, DIALOGUE = "Tiếp công dân định kỳ", "Tiếp công dân đột xuất", "Đối thoại"
HELD = "Đã thực hiện"
OUTCOMES = {HELD: HELD, "Hoãn": "Hoãn", "Hủy": "Hủy", "Huỷ": "Hủy"}
CHAIR_ROLES = ("Bí thư", "Phó Bí thư", "Chủ tịch UBND", "Phó Chủ tịch UBND", "Chủ tịch UBMTTQ")
OTHER_CHAIR = "Khác"
_UNITS = r"(ubnd|xã|phường|thị trấn|đặc khu|huyện|quận|thị xã|thành phố|tỉnh)"
# the role is found wherever people wrote it (after "Đ/c", a name, the committee's name…);
# the first rule that fits wins, so a deputy is never read as the head
_ROLE_RULES = (
    (r"phó chủ tịch (ubmttq|mặt trận)", OTHER_CHAIR),
    (rf"phó chủ tịch {_UNITS}", "Phó Chủ tịch UBND"),
    (r"chủ tịch (ubmttq|mặt trận)", "Chủ tịch UBMTTQ"),
    (rf"chủ tịch {_UNITS}", "Chủ tịch UBND"),
    (r"phó bí thư", "Phó Bí thư"),
    (r"bí thư", "Bí thư"),
)


def _chair_group(role: pl.Expr) -> pl.Expr:
    """The chair's role as one of CHAIR_ROLES (or Khác); the text itself, which may hold a
    person's name, is not what the marts count."""
    key = (
        key_expr(role)
        .str.replace_all("uỷ", "ủy")
        .str.replace_all(r"ủy ban nhân dân", "ubnd")
        .str.replace_all(
            r"ủy ban (mặt trận tổ quốc( việt nam)?|mttq( việt nam)?)|ubmttqvn", "ubmttq"
        )
    )
    expression = pl.lit(OTHER_CHAIR)
    for pattern, group in reversed(_ROLE_RULES):
        expression = pl.when(key.str.contains(pattern)).then(pl.lit(group)).otherwise(expression)
    return pl.when(role.is_null()).then(None).otherwise(expression)


def _derive(frame: pl.DataFrame, _context, _period: str) -> pl.DataFrame:
    return frame.with_columns(chair_group=_chair_group(pl.col("chair_role")))


COLUMNS = (
    Column("event_date", "Ngày", ("Ngày tổ chức",), "date", required=True),
    Column(
        "event_type",
        "Hình thức",
        (),
        "enum",
        required=True,
        mapping={t: t for t in (PERIODIC, ADHOC, DIALOGUE)},
    ),
    Column("level", "Cấp", ("Cấp thực hiện",), "enum", required=True, mapping=LEVELS),
    Column("admin_unit_code", "Mã ĐVHC", ("Mã địa bàn",), required=True, clean=strip_float_zero),
    Column("chair_role", "Chủ trì", ("Người chủ trì",), required=True, free_text=True),
    Column("planned", "Theo kế hoạch", (), "bool", default=False),
    Column("outcome", "Kết quả", (), "enum", mapping=OUTCOMES),
    Column("citizens_received", "Số lượt công dân", (), "int", default=0),
    Column("opinions_raised", "Số ý kiến, kiến nghị", ("Số ý kiến kiến nghị",), "int", default=0),
    Column("opinions_resolved", "Số đã giải quyết, trả lời", (), "int", default=0),
    Column("replied_in_time", "Trả lời bằng văn bản đúng hạn", (), "int", default=0),
)


class EngagementRow(pa.DataFrameModel):
    """A reception or dialogue event after parsing (SOURCES.md §3)."""

    event_date: dt.date = pa.Field(nullable=False)
    event_type: str = pa.Field(nullable=False)
    level: str = pa.Field(nullable=False, isin=LEVEL_VALUES)
    admin_unit_code: str = pa.Field(nullable=False, str_matches=UNIT_CODE_PATTERN)
    chair_role: str = pa.Field(nullable=False)
    citizens_received: int = pa.Field(ge=0)
    opinions_raised: int = pa.Field(ge=0)
    opinions_resolved: int = pa.Field(ge=0)
    replied_in_time: int = pa.Field(ge=0)

    @pa.dataframe_check(
        error="Số đã giải quyết (opinions_resolved) exceeds Số ý kiến (opinions_raised)"
    )
    def resolved_within_raised(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("opinions_resolved") <= pl.col("opinions_raised"))

    @pa.dataframe_check(
        error="Trả lời đúng hạn (replied_in_time) exceeds Số ý kiến (opinions_raised)"
    )
    def replied_within_raised(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("replied_in_time") <= pl.col("opinions_raised"))

    class Config:
        strict = False


SPEC = SourceSpec(
    name="engagement",
    title="Tiếp công dân, đối thoại — citizen reception and dialogue events",
    folder="engagement",
    file_pattern=r"tiep_dan_doi_thoai_(?P<period>\d{4}-Q[1-4])",
    period_kind="quarter",
    columns=COLUMNS,
    model=EngagementRow,
    key=("event_date", "event_type", "level", "admin_unit_code", "chair_role"),
    period_column="event_date",
    unit_checks=(("admin_unit_code", "event_date"),),
    level_checks=(("level", "event_date"),),
    derive=_derive,
    extra_columns={"chair_group": pl.String()},
    sheet_names=("tiep_dan_doi_thoai", "tiếp dân", "engagement"),
)
