"""§6 "Dân vận khéo" model registers, yearly."""

import datetime as dt

import pandera.polars as pa
import polars as pl

from schemas.common import LEVELS, UNIT_CODE_PATTERN, strip_float_zero
from schemas.spec import Column, SourceSpec
from schemas.text import key_expr

FIELDS = ["Kinh tế", "Văn hóa - xã hội", "Quốc phòng - an ninh", "Xây dựng hệ thống chính trị"]
RECOGNISED, SPREAD = "Công nhận", "Nhân rộng"
STATUSES = ["Đăng ký", "Triển khai", RECOGNISED, SPREAD]
MODEL_LEVELS = {**LEVELS, "Thôn": "Thôn", "Cấp thôn": "Thôn"}


def _derive(frame: pl.DataFrame, _context, period: str) -> pl.DataFrame:
    # a model is followed across registers by its normalised name and host unit
    return frame.with_columns(
        model_key=pl.concat_str(
            key_expr(pl.col("model_name")), key_expr(pl.col("host_unit")), separator=" | "
        ),
        register_year_start=pl.lit(dt.date(int(period), 1, 1)),
        register_year_end=pl.lit(dt.date(int(period), 12, 31)),
    )


COLUMNS = (
    Column("model_name", "Tên mô hình", (), required=True, free_text=True),
    Column(
        "field",
        "Lĩnh vực",
        (),
        "enum",
        required=True,
        mapping={**{f: f for f in FIELDS}, "Văn hoá - xã hội": "Văn hóa - xã hội"},
    ),
    Column(
        "host_unit",
        "Đơn vị thực hiện",
        (),
        required=True,
        free_text=True,
        merged_fills_down=True,
    ),
    Column("level", "Cấp", (), "enum", mapping=MODEL_LEVELS),
    Column("admin_unit_code", "Mã ĐVHC", (), clean=strip_float_zero),
    Column("registered_year", "Năm đăng ký", (), "int", required=True),
    Column("status", "Trạng thái", (), "enum", required=True, mapping={s: s for s in STATUSES}),
    Column("recognised_level", "Cấp công nhận", ()),
)


class ModelRow(pa.DataFrameModel):
    """A register row after parsing (SOURCES.md §6)."""

    model_name: str = pa.Field(nullable=False)
    field: str = pa.Field(nullable=False)
    host_unit: str = pa.Field(nullable=False)
    admin_unit_code: str = pa.Field(nullable=True, str_matches=UNIT_CODE_PATTERN)
    registered_year: int = pa.Field(nullable=False, ge=2021, le=2030)
    status: str = pa.Field(nullable=False)

    class Config:
        strict = False


SPEC = SourceSpec(
    name="models",
    title="Mô hình “Dân vận khéo” — mass-mobilisation model registers",
    folder="models",
    file_pattern=r"dan_van_kheo_(?P<period>\d{4})",
    period_kind="year",
    columns=COLUMNS,
    model=ModelRow,
    key=("model_key",),
    # a register lists models of the whole year: a unit or level in force at any time of it
    unit_checks=(("admin_unit_code", "register_year_start", "register_year_end"),),
    level_checks=(("level", "register_year_start", "register_year_end"),),
    derive=_derive,
    extra_columns={
        "model_key": pl.String(),
        "register_year_start": pl.Date(),
        "register_year_end": pl.Date(),
    },
    sheet_names=("dan_van_kheo", "dân vận khéo", "models"),
)
