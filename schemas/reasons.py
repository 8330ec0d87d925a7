"""The reasons a row is quarantined or a file is rejected, each with a stable code.

`quarantine.reason_code` and `load_audit.reason_code` hold these codes; the published lookup
`dim_quarantine_reason` lists them with their Vietnamese and English text. A message names the
file, the row, the column and one of these kinds of problem, never the cell itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    code: str
    text_vi: str
    text_en: str


_ROW = (
    Reason("required_empty", "Ô bắt buộc bị bỏ trống", "A required cell is empty"),
    Reason("not_a_date", "Không đọc được ngày tháng", "Not a readable date"),
    Reason("not_a_number", "Không đọc được số", "Not a readable number"),
    Reason("not_yes_no", "Không phải Có/Không", "Not yes/no"),
    Reason("not_in_list", "Giá trị không có trong danh mục", "Not one of the allowed values"),
    Reason("bad_form", "Sai định dạng", "Does not have the expected form"),
    Reason("out_of_range", "Giá trị ngoài giới hạn cho phép", "Value out of the allowed range"),
    Reason("inconsistent_row", "Các ô trong dòng mâu thuẫn nhau", "Cells of the row disagree"),
    Reason("outside_period", "Ngày nằm ngoài kỳ của tệp", "Date outside the file's period"),
    Reason("future_date", "Ngày sau thời điểm xuất tệp", "Date after the file was exported"),
    Reason(
        "outside_calendar", "Ngày ngoài lịch ngày làm việc", "Date outside the working calendar"
    ),
    Reason("unknown_unit", "Mã/tên đơn vị hành chính không có", "Unknown administrative unit"),
    Reason(
        "unit_not_in_force",
        "Đơn vị hành chính không còn hiệu lực vào ngày đó",
        "Administrative unit not in force on that date",
    ),
    Reason("level_not_in_force", "Cấp không tồn tại vào ngày đó", "Level not in force then"),
    Reason("duplicate_key", "Trùng mã, khác nội dung", "Same key, different content"),
    Reason("excel_error", "Ô chứa lỗi của Excel (#N/A…)", "Excel error value (#N/A…)"),
    Reason(
        "formula_no_value",
        "Công thức chưa được tính (không có giá trị lưu)",
        "Formula saved without a calculated value",
    ),
    Reason(
        "id_mangled",
        "Số giấy tờ bị Excel làm hỏng (dạng 1,23E+11)",
        "ID number destroyed by Excel (scientific notation)",
    ),
)

_FILE = (
    Reason("file_empty", "Tệp rỗng", "The file is empty"),
    Reason("file_compressed", "Tệp nén đổi đuôi (zip/gz/7z/rar)", "A compressed file renamed"),
    Reason("file_not_a_table", "Tệp không phải bảng (PDF, ảnh…)", "Not a table (PDF, image…)"),
    Reason("file_old_xls", "Tệp Excel 97-2003 (.xls) đổi đuôi", "An old .xls workbook renamed"),
    Reason("file_encoding", "Bảng mã không đọc được (TCVN3/VNI…)", "Unreadable text encoding"),
    Reason("file_bad_csv", "Cấu trúc CSV hỏng", "Malformed CSV"),
    Reason("file_bad_workbook", "Tệp Excel hỏng hoặc không đọc được", "Unreadable workbook"),
    Reason("file_no_sheet", "Không có trang tính hiển thị chứa tiêu đề", "No visible data sheet"),
    Reason("file_no_header", "Không tìm thấy dòng tiêu đề", "No header row found"),
    Reason("file_missing_column", "Thiếu cột bắt buộc", "A required column is missing"),
    Reason("file_duplicate_column", "Cột xuất hiện hai lần", "A column appears twice"),
    Reason("file_changed", "Tệp thay đổi trong khi đọc", "The file changed while being read"),
    Reason("file_unexpected", "Trình đọc gặp lỗi với tệp này", "The reader failed on this file"),
    Reason("file_unreadable", "Không có quyền đọc tệp", "The pipeline cannot open the file"),
    Reason(
        "reference_unsound",
        "Danh mục cơ quan gửi kèm không dùng được",
        "The supplied agency list cannot be used",
    ),
    Reason("name_unmatched", "Tên tệp không đúng mẫu", "File name fits no pattern"),
    Reason("name_bad_period", "Kỳ trong tên tệp không hợp lệ", "Invalid period in the file name"),
    Reason(
        "name_bad_stamp",
        "Dấu thời gian xuất trong tên tệp không phải ngày giờ thật",
        "Export stamp in the file name is not a real date-time",
    ),
    Reason(
        "name_bad_encoding",
        "Tên tệp ở bảng mã cũ (giải nén từ Windows)",
        "File name in a legacy encoding (as unzip leaves it)",
    ),
    Reason("name_temporary", "Tệp tạm của Excel/Windows (~$…)", "Excel or Windows side file"),
    Reason("name_hidden", "Tệp ẩn (tên bắt đầu bằng dấu chấm)", "Hidden file"),
    Reason("name_unsupported_type", "Loại tệp không hỗ trợ", "Unsupported file type"),
    Reason("name_no_source", "Không nằm trong thư mục nguồn", "Not in a source folder"),
)

REASONS: dict[str, Reason] = {r.code: r for r in (*_ROW, *_FILE)}


def code(name: str) -> str:
    """`name` if it is a known reason code: a typo fails where it is written."""
    if name not in REASONS:
        raise KeyError(f"unknown reason code {name!r} (schemas/reasons.py)")
    return name
