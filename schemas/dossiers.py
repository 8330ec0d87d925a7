"""§1 Dossiers (hồ sơ TTHC): one file per month of receipt from the one-stop system."""

import datetime as dt

import pandera.polars as pa
import polars as pl

from schemas.common import (
    LEVEL_VALUES,
    LEVELS,
    UNIT_CODE_PATTERN,
    normalise_id_number,
    nullable_ge,
    strip_float_zero,
)
from schemas.spec import Column, SourceSpec
from schemas.status_codes import status_digits

STATUS_LABELS = {
    "Mới đăng ký": 1,
    "Được tiếp nhận": 2,
    "Không được tiếp nhận": 3,
    "Đang xử lý": 4,
    "Yêu cầu bổ sung giấy tờ": 5,
    "Yêu cầu thực hiện nghĩa vụ tài chính": 6,
    "Công dân yêu cầu rút hồ sơ": 7,
    "Dừng xử lý": 8,
    "Đã xử lý xong": 9,
    "Đã trả kết quả": 10,
}
FINISHED_STATUSES = (7, 8, 9, 10)
RESULT_STATUSES = (9, 10)  # finished with a result: their end date is required
CHANNELS = {"Trực tiếp": 1, "Trực tuyến": 2, "Bưu chính công ích": 3, "BCCI": 3}
RATINGS = ["Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng"]


def _with_digits(labels: dict[str, int]) -> dict[str, int]:
    return {**labels, **{str(v): v for v in labels.values()}}


def _statuses() -> dict[str, int]:
    """Labels always; digits as the exporting system numbers them (schemas/status_codes.py)."""
    return {**STATUS_LABELS, **status_digits()}


def _strip_procedure_suffix(text: pl.Expr) -> pl.Expr:
    # 1.001612.H36 → 1.001612: the suffix names the province's copy of a national procedure
    return text.str.replace(r"^(\d+\.\d+)\..+$", "${1}")


COLUMNS = (
    Column("dossier_code", "Mã hồ sơ", ("Số hồ sơ", "MaHoSo"), required=True),
    Column(
        "procedure_code",
        "Mã TTHC",
        ("Mã thủ tục", "MaTTHC"),
        required=True,
        clean=_strip_procedure_suffix,
    ),
    Column("procedure_name", "Tên TTHC", ("Tên thủ tục", "TenTTHC"), free_text=True),
    Column("agency_code", "Mã cơ quan", ("Mã đơn vị", "DonViXuLy", "MaDonViXuLy"), required=True),
    Column("admin_unit_code", "Mã ĐVHC", ("Mã địa bàn",), required=True, clean=strip_float_zero),
    Column("level", "Cấp thực hiện", ("Cấp",), "enum", required=True, mapping=LEVELS),
    Column(
        "channel",
        "Kênh nộp",
        ("Hình thức nộp", "KenhThucHien", "HinhThuc"),
        "enum",
        required=True,
        mapping=_with_digits(CHANNELS),
        enum_dtype=pl.Int8(),
    ),
    Column("submitted_at", "Ngày nộp", ("NgayNopHoSo",), "datetime"),
    Column("received_at", "Ngày tiếp nhận", ("NgayTiepNhan",), "datetime", required=True),
    # a due date without a time is the end of that day (INDICATORS §A)
    Column(
        "due_at",
        "Ngày hẹn trả",
        ("Hạn xử lý", "NgayHenTra"),
        "datetime",
        required=True,
        date_only_is_end_of_day=True,
    ),
    Column(
        "finished_at", "Ngày kết thúc xử lý", ("Ngày có kết quả", "NgayKetThucXuLy"), "datetime"
    ),
    Column("returned_at", "Ngày trả kết quả", ("NgayTra",), "datetime"),
    Column(
        "status_code",
        "Trạng thái",
        ("Mã trạng thái", "TrangThaiHoSo"),
        "enum",
        required=True,
        mapping=_statuses(),
        enum_dtype=pl.Int8(),
    ),
    Column("supplement_count", "Số lần bổ sung", (), "int", default=0),
    Column("supplement_wait_days", "Số ngày chờ bổ sung", (), "number", default=0.0),
    Column("inputs_digitized", "Thành phần số hóa", ("Thành phần số hoá",), "bool", default=False),
    Column("e_result", "Kết quả điện tử", (), "bool", default=False),
    Column(
        "online_payment",
        "Thanh toán trực tuyến",
        ("DuocThanhToanTrucTuyen",),
        "enum",
        mapping={"0": 0, "1": 1, "2": 2, "Không": 0},
        enum_dtype=pl.Int8(),
        default=0,
    ),
    Column("rating", "Đánh giá", ("Mức độ hài lòng",), "enum", mapping={r: r for r in RATINGS}),
    # The columns the portal's 766 index needs (SOURCES §1): optional, and a file without one
    # leaves it NULL ("the export does not say"), never "no"; a blank cell of a present column
    # is "no", as for every yes/no column.
    *(
        Column(name, header, aliases, "bool", default=False, absent_is_unknown=True)
        for name, header, aliases in (
            ("full_online", "Toàn trình", ("Hồ sơ toàn trình",)),
            ("synced_on_time", "Đồng bộ DVCQG đúng hạn", ()),
            ("fee_exempt", "Miễn phí, lệ phí", ()),
            ("data_reused", "Tái sử dụng dữ liệu", ()),
            ("data_fully_replaced", "Thay thế hoàn toàn bằng dữ liệu", ()),
        )
    ),
    Column(
        "first_due_at",
        "Ngày hẹn trả trước",
        ("NgayHenTraTruoc",),
        "datetime",
        absent_is_unknown=True,
        date_only_is_end_of_day=True,
    ),
    Column("applicant_name", "Họ tên chủ hồ sơ", ("Họ và tên", "Họ tên", "ChuHoSo"), "pii_drop"),
    Column(
        "applicant_key",
        "Số giấy tờ",
        ("Số CCCD", "Số định danh"),
        "pii_hash",
        clean=normalise_id_number,
    ),
    Column("applicant_phone", "Số điện thoại", ("Điện thoại",), "pii_drop"),
)


class DossierRow(pa.DataFrameModel):
    """A dossier row after parsing: the rules of SOURCES.md §1 that need no reference data."""

    dossier_code: str = pa.Field(nullable=False)
    procedure_code: str = pa.Field(nullable=False)
    agency_code: str = pa.Field(nullable=False)
    admin_unit_code: str = pa.Field(nullable=False, str_matches=UNIT_CODE_PATTERN)
    level: str = pa.Field(nullable=False, isin=LEVEL_VALUES)
    channel: pl.Int8 = pa.Field(nullable=False, isin=[1, 2, 3])
    received_at: dt.datetime = pa.Field(nullable=False)
    due_at: dt.datetime = pa.Field(nullable=False)
    status_code: pl.Int8 = pa.Field(nullable=False, ge=1, le=10)
    supplement_count: int = pa.Field(ge=0)
    supplement_wait_days: float = pa.Field(ge=0)
    online_payment: pl.Int8 = pa.Field(isin=[0, 1, 2])

    @pa.dataframe_check(error="Ngày hẹn trả (due_at) is before Ngày tiếp nhận (received_at)")
    def due_not_before_received(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(nullable_ge("due_at", "received_at"))

    @pa.dataframe_check(
        error="Ngày hẹn trả trước (first_due_at) is before Ngày tiếp nhận (received_at)"
    )
    def first_due_not_before_received(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(nullable_ge("first_due_at", "received_at"))

    @pa.dataframe_check(
        error="Ngày kết thúc xử lý (finished_at) is before Ngày tiếp nhận (received_at)"
    )
    def finished_not_before_received(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(nullable_ge("finished_at", "received_at"))

    @pa.dataframe_check(
        error="Ngày trả kết quả (returned_at) is before Ngày kết thúc xử lý (finished_at)"
    )
    def returned_not_before_finished(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(nullable_ge("returned_at", "finished_at"))

    @pa.dataframe_check(
        error="Ngày trả kết quả (returned_at) is before Ngày tiếp nhận (received_at)"
    )
    def returned_not_before_received(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(nullable_ge("returned_at", "received_at"))

    # A withdrawn or stopped dossier (7, 8) without an end date is kept: the return time, else
    # the export's time, stands in for it in fact_dossier (INDICATORS §A).
    @pa.dataframe_check(
        error="Ngày kết thúc xử lý (finished_at) is required when Trạng thái (status_code) is 9–10"
    )
    def finished_when_closed(cls, data: pa.PolarsData) -> pl.LazyFrame:
        closed = pl.col("status_code").is_in(list(RESULT_STATUSES))
        return data.lazyframe.select(~closed | pl.col("finished_at").is_not_null())

    class Config:
        strict = False


SPEC = SourceSpec(
    name="dossiers",
    title="Hồ sơ TTHC — administrative-procedure dossiers",
    folder="dossiers",
    file_pattern=r"ho_so_(?P<period>\d{4}-\d{2})",
    period_kind="month",
    columns=COLUMNS,
    model=DossierRow,
    key=("dossier_code",),
    period_column="received_at",
    unit_checks=(("admin_unit_code", "received_at"),),
    level_checks=(("level", "received_at"),),
    calendar_columns=("received_at", "due_at", "first_due_at", "finished_at", "returned_at"),
    sheet_names=("ho_so", "hồ sơ", "dossiers"),
)
