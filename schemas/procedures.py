"""§2 Procedure catalogue (danh mục TTHC): full snapshots from the national database."""

import datetime as dt

import pandera.polars as pa
import polars as pl

from schemas.spec import Column, SourceSpec

ONLINE_LEVELS = {"Toàn trình": "Toàn trình", "Một phần": "Một phần"}
TIME_UNITS = {"Ngày làm việc": "Ngày làm việc", "Ngày": "Ngày", "Giờ": "Giờ"}
STATUSES = {"Đang áp dụng": "Đang áp dụng", "Bãi bỏ": "Bãi bỏ"}
_LEVEL = r"(Tỉnh|Huyện|Xã|Đặc khu)"  # the special zone handles the commune-level procedures
LEVELS_PATTERN = rf"^{_LEVEL}(, {_LEVEL})*$"


def _normalise_levels(text: pl.Expr) -> pl.Expr:
    """'cấp tỉnh; Cấp huyện; đặc khu' → 'Tỉnh, Huyện, Đặc khu'."""
    return (
        text.str.replace_all(r"(?i)cấp\s+", "")
        .str.replace_all(r"\s*[,;/]\s*", ", ")
        .str.to_titlecase()
        .str.replace_all("Đặc Khu", "Đặc khu")
    )


COLUMNS = (
    Column("procedure_code", "Mã TTHC", ("Mã thủ tục",), required=True),
    Column("procedure_name", "Tên TTHC", ("Tên thủ tục",), required=True, free_text=True),
    Column("field", "Lĩnh vực", (), required=True, free_text=True),
    Column("implementing_agency", "Cơ quan thực hiện", (), free_text=True),
    Column("levels", "Cấp thực hiện", (), required=True, clean=_normalise_levels),
    Column("time_limit", "Thời hạn giải quyết", (), "number"),
    Column("time_limit_unit", "Đơn vị thời hạn", (), "enum", mapping=TIME_UNITS),
    Column(
        "online_level",
        "Mức độ DVCTT",
        ("Mức độ dịch vụ công trực tuyến",),
        "enum",
        mapping=ONLINE_LEVELS,
    ),
    Column("full_online_eligible", "Đủ điều kiện toàn trình", (), "bool", default=False),
    Column("has_fee", "Có phí, lệ phí", ("Có phí",), "bool", default=False),
    # optional columns the 766 index needs: a catalogue without one leaves it NULL (unknown)
    Column(
        "paper_result",
        "Kết quả bằng văn bản giấy",
        (),
        "bool",
        default=False,
        absent_is_unknown=True,
    ),
    Column(
        "reuse_allowed",
        "Cho phép tái sử dụng dữ liệu",
        (),
        "bool",
        default=False,
        absent_is_unknown=True,
    ),
    Column("decision_number", "Số quyết định công bố", ()),
    Column("decision_date", "Ngày quyết định công bố", (), "date", required=True),
    Column("legal_effective_date", "Ngày hiệu lực văn bản QPPL", (), "date"),
    Column("published_at", "Ngày công khai trên CSDLQG", (), "date"),
    Column("components_complete", "Đầy đủ bộ phận tạo thành", (), "bool", default=False),
    Column("status", "Trạng thái", (), "enum", required=True, mapping=STATUSES),
)


class ProcedureRow(pa.DataFrameModel):
    """A catalogue row after parsing (SOURCES.md §2)."""

    procedure_code: str = pa.Field(nullable=False)
    procedure_name: str = pa.Field(nullable=False)
    field: str = pa.Field(nullable=False)
    levels: str = pa.Field(nullable=False, str_matches=LEVELS_PATTERN)
    time_limit: float = pa.Field(nullable=True, ge=0)
    decision_date: dt.date = pa.Field(nullable=False)
    status: str = pa.Field(nullable=False)

    class Config:
        strict = False


SPEC = SourceSpec(
    name="procedures",
    title="Danh mục TTHC — procedure catalogue snapshots",
    folder="procedures",
    file_pattern=r"danh_muc_tthc_(?P<period>\d{4}-\d{2}-\d{2})",
    period_kind="date",
    columns=COLUMNS,
    model=ProcedureRow,
    key=("procedure_code",),
    calendar_columns=("decision_date", "published_at"),
    calendar_end_columns=("legal_effective_date",),
    sheet_names=("danh_muc_tthc", "danh mục tthc", "procedures"),
)
