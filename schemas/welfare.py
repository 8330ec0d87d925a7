"""§5 Social-welfare activities of the Front and mass organisations, quarterly per organisation.

Typed by hand: unit names instead of codes (resolved by date, schemas.units), numbers as text,
title rows, and a final "Tổng cộng" row that is reconciled against the data rows.
"""

import datetime as dt

import pandera.polars as pa
import polars as pl

from schemas.spec import Column, SourceSpec
from schemas.units import resolve_units

ORGANISATIONS = {
    "MTTQ": "Ủy ban MTTQ Việt Nam tỉnh — Vietnam Fatherland Front",
    "LDLD": "Liên đoàn Lao động tỉnh — Labour Confederation",
    "HLHPN": "Hội Liên hiệp Phụ nữ tỉnh — Women's Union",
    "HND": "Hội Nông dân tỉnh — Farmers' Association",
    "HCCB": "Hội Cựu chiến binh tỉnh — Veterans' Association",
    "DTN": "Tỉnh đoàn — Youth Union",
}
GIFT, SCHOLARSHIP, HOUSE_NEW, HOUSE_REPAIR, OTHER = (
    "Tặng quà",
    "Học bổng",
    "Xây mới nhà",
    "Sửa chữa nhà",
    "Hỗ trợ khác",
)
SUPPORT_TYPES = (GIFT, SCHOLARSHIP, HOUSE_NEW, HOUSE_REPAIR, OTHER)
MAX_ROW_VALUE = 100_000_000_000  # 100 billion VND in one row is a typing error, not a gift


def _derive(frame: pl.DataFrame, context, _period: str) -> pl.DataFrame:
    return frame.with_columns(
        admin_unit_code=resolve_units(frame, "admin_unit", "activity_date", context.unit_names)
    )


COLUMNS = (
    Column("row_label", "STT", ("Số TT", "TT"), "ignore"),
    Column(
        "activity_date", "Ngày", ("Ngày thực hiện",), "date", required=True, merged_fills_down=True
    ),
    Column("admin_unit", "Đơn vị", ("Địa bàn",), required=True, merged_fills_down=True),
    Column(
        "support_type",
        "Hình thức hỗ trợ",
        (),
        "enum",
        required=True,
        mapping={t: t for t in SUPPORT_TYPES},
    ),
    Column("beneficiary_group", "Đối tượng", (), free_text=True),
    Column("quantity", "Số lượng", (), "int", required=True),
    Column(
        "value_vnd",
        "Thành tiền (đồng)",
        ("Thành tiền", "Thành tiền (VNĐ)", "Giá trị (đồng)"),
        "number",
        required=True,
    ),
    Column("funding_source", "Nguồn kinh phí", (), free_text=True, merged_fills_down=True),
)


class WelfareRow(pa.DataFrameModel):
    """A welfare activity row after parsing (SOURCES.md §5)."""

    activity_date: dt.date = pa.Field(nullable=False)
    admin_unit: str = pa.Field(nullable=False)
    support_type: str = pa.Field(nullable=False)
    quantity: int = pa.Field(nullable=False, gt=0)
    value_vnd: float = pa.Field(nullable=False, ge=0, le=MAX_ROW_VALUE)

    @pa.dataframe_check(
        error="Đơn vị (admin_unit) names no single unit in force on Ngày (activity_date): "
        "a district or the province until 2025-06-30, a commune-level unit (xã, phường, đặc khu) "
        "or the province from 2025-07-01"
    )
    def unit_resolved(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("admin_unit").is_null() | pl.col("admin_unit_code").is_not_null()
        )

    class Config:
        strict = False


SPEC = SourceSpec(
    name="welfare",
    title="An sinh xã hội của MTTQ và các đoàn thể — welfare activities of mass organisations",
    folder="welfare",
    file_pattern=r"an_sinh_(?P<org>MTTQ|LDLD|HLHPN|HND|HCCB|DTN)_(?P<period>\d{4}-Q[1-4])",
    period_kind="quarter",
    columns=COLUMNS,
    model=WelfareRow,
    key=(),  # hand-typed rows have no code; exact duplicates are still dropped
    period_column="activity_date",
    unit_checks=(("admin_unit_code", "activity_date"),),
    derive=_derive,
    extra_columns={"admin_unit_code": pl.String()},
    name_columns={"org": "org_code"},
    totals_columns=("quantity", "value_vnd"),
    sheet_names=("an_sinh", "an sinh", "welfare"),
)
