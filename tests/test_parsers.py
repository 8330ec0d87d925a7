import datetime as dt

import polars as pl
import pytest

from schemas import parsers


def _apply(function, values):
    return (
        pl.DataFrame({"v": values}, schema={"v": pl.String})
        .select(function(pl.col("v")).alias("v"))["v"]
        .to_list()
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("05/01/2024", dt.datetime(2024, 1, 5)),
        ("5/1/2024", dt.datetime(2024, 1, 5)),
        ("05/01/2024 08:30", dt.datetime(2024, 1, 5, 8, 30)),
        ("05/01/2024 08:30:15", dt.datetime(2024, 1, 5, 8, 30, 15)),
        ("2024-01-05", dt.datetime(2024, 1, 5)),
        ("2024-01-05 08:30:15", dt.datetime(2024, 1, 5, 8, 30, 15)),
        ("2024-01-05T08:30:15", dt.datetime(2024, 1, 5, 8, 30, 15)),
        ("20240105083015", dt.datetime(2024, 1, 5, 8, 30, 15)),
        ("45296", dt.datetime(2024, 1, 5)),  # Excel serial
        ("45296.5", dt.datetime(2024, 1, 5, 12)),
        (" 05/01/2024 ", dt.datetime(2024, 1, 5)),
        ("31/02/2024", None),
        ("32/01/2024", None),
        ("05/13/2024", None),
        ("hôm qua", None),
        ("01/01/1800", None),  # outside 1990–2100
        (None, None),
    ],
)
def test_datetime_forms(text, expected):
    assert _apply(parsers.parse_datetime, [text]) == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1234567", 1234567.0),
        ("1.234.567", 1234567.0),
        ("1.234.567,5", 1234567.5),
        ("1,234,567", 1234567.0),
        ("1,234,567.25", 1234567.25),
        ("1234,5", 1234.5),
        ("1,5", 1.5),
        ("1234.5", 1234.5),
        ("350.000 đ", 350000.0),
        ("350.000đ", 350000.0),
        ("1.500.000 VNĐ", 1500000.0),
        ("2.000.000 đồng", 2000000.0),
        ("-3", -3.0),
        ("1,234", None),  # ambiguous: thousands or decimal
        ("1.2.3", None),
        ("abc", None),
        ("", None),
    ],
)
def test_number_forms(text, expected):
    assert _apply(parsers.parse_number, [text]) == [expected]


def test_int_rejects_fractions():
    assert _apply(parsers.parse_int, ["3", "3,0", "3,5", "1.000"]) == [3, 3, None, 1000]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Có", True),
        ("có", True),
        ("x", True),
        ("X", True),
        ("1", True),
        ("Yes", True),
        ("Không", False),
        ("0", False),
        ("No", False),
        ("không", False),
        ("có lẽ", None),
    ],
)
def test_yes_no(text, expected):
    assert _apply(parsers.parse_bool, [text]) == [expected]


def test_enum_matches_case_spacing_and_nfd():
    mapping = {"Trực tuyến": 2, "Bưu chính công ích": 3}
    values = ["trực tuyến", "  Bưu  chính công ích ", "Tru\u031b\u0323c tuye\u0302\u0301n", "khác"]
    result = _apply(lambda e: parsers.parse_enum(e, mapping, pl.Int8), values)
    assert result == [2, 3, 2, None]
