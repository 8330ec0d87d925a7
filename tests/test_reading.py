"""Reading files: header matching, title rows, encodings, delimiters, whole-file rejections."""

import unicodedata

import polars as pl
import pytest
import xlsxwriter

from schemas.dossiers import SPEC as DOSSIERS
from schemas.reading import FileRejected, read_table
from tests.helpers import dossier, frame


def _csv_text(rows, sep=","):
    return frame(rows).write_csv(separator=sep)


def test_aliases_case_spacing_and_extra_columns(tmp_path):
    text = _csv_text([dossier()])
    text = text.replace("Mã hồ sơ", "  SỐ   hồ SƠ ").replace("Mã TTHC", "Mã thủ tục")
    header, row = text.splitlines()
    lines = [header + ",Cột lạ", row + ",x"]
    path = tmp_path / "ho_so_2024-01.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_table(path, DOSSIERS)
    assert table.frame["dossier_code"].to_list() == ["H1"]
    assert table.frame["procedure_code"].to_list() == ["1.001612"]
    assert table.unknown_headers == ["Cột lạ"]


def test_nfd_headers_bom_and_semicolon(tmp_path):
    text = unicodedata.normalize("NFD", _csv_text([dossier()], sep=";"))
    path = tmp_path / "ho_so_2024-01.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    table = read_table(path, DOSSIERS)
    assert table.frame.height == 1
    assert table.frame["level"].to_list()[0] == unicodedata.normalize("NFD", "Tỉnh")


def test_title_rows_before_the_header_in_csv(tmp_path):
    path = tmp_path / "ho_so_2024-01.csv"
    path.write_text("ỦY BAN NHÂN DÂN TỈNH BÌNH THUẬN\nBáo cáo hồ sơ\n" + _csv_text([dossier()]))
    table = read_table(path, DOSSIERS)
    assert table.frame["__row"].to_list() == [4]  # two titles, the header, then the row


def _write_xlsx(path, rows, titles=(), units=False, sheet="Sheet1", start_row=0):
    data = frame(rows)
    with xlsxwriter.Workbook(path) as book:
        ws = book.add_worksheet(sheet)
        row = start_row
        for title in titles:
            ws.write_string(row, 0, title)
            row += 1
        ws.write_row(row, 0, data.columns)
        row += 1
        if units:
            ws.write_row(row, 0, [f"({i + 1})" for i in range(data.width)])
            row += 1
        for values in data.iter_rows():
            ws.write_row(row, 0, values)
            row += 1
        ws.write_row(row, 0, ["Tổng cộng"])


def test_xlsx_title_rows_units_row_and_totals_row(tmp_path):
    path = tmp_path / "ho_so_2024-01.xlsx"
    _write_xlsx(
        path, [dossier(), dossier(dossier_code="H2")], titles=["ỦY BAN", "BÁO CÁO"], units=True
    )
    table = read_table(path, DOSSIERS)
    assert table.frame["dossier_code"].to_list() == ["H1", "H2"]
    assert table.frame["__row"].to_list() == [5, 6]  # titles 1-2, header 3, units 4
    assert table.totals.height == 1


def test_xlsx_rows_numbered_as_excel_shows_them_when_the_sheet_starts_lower(tmp_path):
    path = tmp_path / "ho_so_2024-01.xlsx"
    _write_xlsx(path, [dossier()], start_row=3)
    assert read_table(path, DOSSIERS).frame["__row"].to_list() == [5]


def test_xlsx_prefers_a_sheet_named_like_the_source(tmp_path):
    path = tmp_path / "ho_so_2024-01.xlsx"
    with xlsxwriter.Workbook(path) as book:
        book.add_worksheet("Ghi chú").write_string(0, 0, "không phải dữ liệu")
        sheet = book.add_worksheet("Hồ sơ")
        data = frame([dossier()])
        sheet.write_row(0, 0, data.columns)
        sheet.write_row(1, 0, data.row(0))
    assert read_table(path, DOSSIERS).frame.height == 1


def test_windows_1258_is_decoded(tmp_path):
    from pipelines.generate.export import to_cp1258_form

    text = _csv_text([dossier(applicant_name="Nguyễn Thị Hường", level="Cấp tỉnh")], sep=";")
    path = tmp_path / "ho_so_2024-01.csv"
    path.write_bytes(to_cp1258_form(text).encode("cp1258"))
    table = read_table(path, DOSSIERS)
    assert table.encoding == "cp1258"
    assert table.frame["applicant_name"].to_list() == ["Nguyễn Thị Hường"]


def test_utf16_from_excel_unicode_text(tmp_path):
    path = tmp_path / "ho_so_2024-01.csv"
    path.write_bytes(_csv_text([dossier()], sep="\t").encode("utf-16"))
    table = read_table(path, DOSSIERS)
    assert table.encoding == "utf-16"
    assert table.frame["level"].to_list() == ["Tỉnh"]


@pytest.mark.parametrize("encoding", ["cp1258", "utf-16"])
def test_a_legacy_file_is_re_encoded_a_block_at_a_time(tmp_path, monkeypatch, encoding):
    """Not decoded whole in memory: written as UTF-8 in small blocks (cutting multi-byte
    characters and Windows-1258's combining accents), it reads as it does in one block."""
    from pipelines.generate.export import to_cp1258_form
    from schemas import encodings, reading

    names = ["Nguyễn Thị Hường", "Trần Văn Đức", "Lê Thị Ánh Tuyết"] * 20
    rows = [dossier(dossier_code=f"H{i}", applicant_name=n) for i, n in enumerate(names)]
    text = _csv_text(rows, sep=";")
    path = tmp_path / "ho_so_2024-01.csv"
    data = to_cp1258_form(text).encode("cp1258") if encoding == "cp1258" else text.encode(encoding)
    path.write_bytes(data)
    whole = read_table(path, DOSSIERS)
    monkeypatch.setattr(encodings, "TRANSCODE_BLOCK_BYTES", 7)
    tables = list(reading.read_tables(path, DOSSIERS, chunk_rows=25))
    assert [t.frame.height for t in tables] == [24, 25, 11]
    assert {t.encoding for t in tables} == {encoding}
    assert pl.concat([t.frame for t in tables]).equals(whole.frame)
    assert whole.frame["applicant_name"].to_list() == names
    copy = tmp_path / "utf8.csv"
    encodings._as_utf8(path, encoding, copy)
    assert copy.read_text(encoding="utf-8") == text
    scratch, seen = tmp_path / "scratch", []
    for _ in reading.read_tables(path, DOSSIERS, chunk_rows=25, scratch=scratch):
        seen.extend(p.relative_to(scratch).parts[-1] for p in scratch.rglob("*.csv"))
    assert seen == ["utf8.csv"] * 3 and not list(scratch.iterdir())  # read there, then removed


def test_tcvn3_is_rejected_not_guessed(tmp_path):
    text = _csv_text([dossier()])
    # TCVN3 bytes for Vietnamese letters read as garbage in cp1258 (e.g. 'Ë', 'µ', '¸')
    data = text.encode("utf-8").replace("ệ".encode(), b"\xd6").replace("ồ".encode(), b"\xb5\xb8")
    data = data.replace("ỉ".encode(), b"\xab\xb6").replace("ơ".encode(), b"\xcb")
    path = tmp_path / "ho_so_2024-01.csv"
    path.write_bytes(data)
    with pytest.raises(FileRejected, match="TCVN3/VNI"):
        read_table(path, DOSSIERS)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"a|b|c\n1|2|3\n", "no header row"),
        ("Mã hồ sơ,Mã TTHC,Mã cơ quan\nH1,1.1,X\n".encode(), "missing required column"),
        (
            "Mã hồ sơ,Mã TTHC,Mã hồ sơ,Mã cơ quan\nH1,1.1,H2,X\n".encode(),
            "appears twice",
        ),
    ],
)
def test_whole_file_rejections_name_the_problem(tmp_path, content, message):
    path = tmp_path / "ho_so_2024-01.csv"
    path.write_bytes(content)
    with pytest.raises(FileRejected, match=message) as error:
        read_table(path, DOSSIERS)
    assert "ho_so_2024-01.csv" in str(error.value)


def test_missing_columns_are_listed_by_their_vietnamese_header(tmp_path):
    path = tmp_path / "ho_so_2024-01.csv"
    path.write_text(_csv_text([dossier()]).replace("Ngày hẹn trả", "Hẹn"), encoding="utf-8")
    with pytest.raises(FileRejected, match="'Ngày hẹn trả'"):
        read_table(path, DOSSIERS)


def test_a_spreadsheet_name_on_something_else_is_rejected(tmp_path):
    path = tmp_path / "ho_so_2024-01.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(FileRejected, match="not a readable .xlsx"):
        read_table(path, DOSSIERS)


def test_cleaning_normalises_only_what_changes():
    import polars as pl

    from schemas.text import clean_text_frame

    nfd = unicodedata.normalize("NFD", "Hồ sơ Đất đai")
    frame = pl.DataFrame(
        {
            "name": [nfd, "  ASCII code  ", "Đã NFC", None, "   ", nfd],
            "code": [" H1 ", nfd, "", "x", None, "y"],
        }
    )
    cleaned = clean_text_frame(frame, frame.columns, ["name"])
    assert cleaned["name"].to_list() == [
        "Hồ sơ Đất đai",
        "ASCII code",
        "Đã NFC",
        None,
        None,
        "Hồ sơ Đất đai",
    ]
    # a column left out of NFC is only trimmed
    assert cleaned["code"].to_list() == ["H1", nfd, None, "x", None, "y"]


def test_nfd_file_is_staged_in_nfc(tmp_path):
    from tests.helpers import ingest, staged, write_csv

    landing, data = tmp_path / "landing", tmp_path / "data"
    name = "Cấp phiếu lý lịch tư pháp"
    path = landing / "dossiers" / "ho_so_2024-01.csv"
    write_csv(path, [dossier(procedure_name=name, level="Tỉnh")])
    path.write_text(unicodedata.normalize("NFD", path.read_text(encoding="utf-8")), "utf-8")
    ingest(landing, data, "dossiers", "2024-01")
    rows = staged(data, "dossiers", "2024-01")
    assert rows["procedure_name"].to_list() == [name]
    assert rows["level"].to_list() == ["Tỉnh"]


def test_a_broken_utf16_file_is_rejected_with_a_reason(tmp_path):
    path = tmp_path / "ho_so_2024-01.csv"
    path.write_bytes(_csv_text([dossier()], sep="\t").encode("utf-16") + b"\x00")  # odd length
    with pytest.raises(FileRejected, match="not readable as UTF-16 text"):
        read_table(path, DOSSIERS)
