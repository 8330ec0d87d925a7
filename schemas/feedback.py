"""§4 Citizen feedback (phản ánh, kiến nghị — PAKN), monthly files."""

import datetime as dt

import pandera.polars as pa
import polars as pl

from schemas.common import UNIT_CODE_PATTERN, nullable_ge, strip_float_zero
from schemas.spec import Column, SourceSpec

CHANNELS = ["Cổng DVCQG", "Cổng tỉnh", "Đường dây nóng", "Trực tiếp", "Đối thoại", "Tiếp công dân"]
HANDLED, IN_PROGRESS, REFUSED = "Đã xử lý", "Đang xử lý", "Từ chối"
REACTIONS = ["Hài lòng", "Không hài lòng"]

COLUMNS = (
    Column("feedback_code", "Mã PAKN", ("Mã phản ánh",), required=True),
    Column("received_at", "Ngày tiếp nhận", (), "datetime", required=True),
    Column("channel", "Kênh", ("Kênh tiếp nhận",), "enum", mapping={c: c for c in CHANNELS}),
    Column("field", "Lĩnh vực", (), required=True, free_text=True),
    Column("agency_code", "Mã cơ quan xử lý", ("Mã cơ quan",), required=True),
    Column("admin_unit_code", "Mã ĐVHC", ("Mã địa bàn",), required=True, clean=strip_float_zero),
    Column("due_at", "Hạn xử lý", (), "datetime", required=True),
    Column("handled_at", "Ngày xử lý xong", (), "datetime"),
    Column(
        "status",
        "Trạng thái",
        (),
        "enum",
        required=True,
        mapping={s: s for s in (HANDLED, IN_PROGRESS, REFUSED)},
    ),
    Column("reaction", "Đánh giá", (), "enum", mapping={r: r for r in REACTIONS}),
    Column("repeat_complaint", "Khiếu nại lại", (), "bool", default=False),
)


class FeedbackRow(pa.DataFrameModel):
    """A feedback item after parsing (SOURCES.md §4)."""

    feedback_code: str = pa.Field(nullable=False)
    received_at: dt.datetime = pa.Field(nullable=False)
    field: str = pa.Field(nullable=False)
    agency_code: str = pa.Field(nullable=False)
    admin_unit_code: str = pa.Field(nullable=False, str_matches=UNIT_CODE_PATTERN)
    due_at: dt.datetime = pa.Field(nullable=False)
    status: str = pa.Field(nullable=False)

    @pa.dataframe_check(error="Hạn xử lý (due_at) is before Ngày tiếp nhận (received_at)")
    def due_not_before_received(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(nullable_ge("due_at", "received_at"))

    @pa.dataframe_check(error="Ngày xử lý xong (handled_at) is before Ngày tiếp nhận (received_at)")
    def handled_not_before_received(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(nullable_ge("handled_at", "received_at"))

    class Config:
        strict = False


SPEC = SourceSpec(
    name="feedback",
    title="Phản ánh, kiến nghị (PAKN) — citizen feedback",
    folder="feedback",
    file_pattern=r"pakn_(?P<period>\d{4}-\d{2})",
    period_kind="month",
    columns=COLUMNS,
    model=FeedbackRow,
    key=("feedback_code",),
    period_column="received_at",
    unit_checks=(("admin_unit_code", "received_at"),),
    sheet_names=("pakn", "feedback"),
)
