"""Property-based tests (hypothesis) for the value parsers and header matching."""

import datetime as dt
import unicodedata

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas import parsers
from schemas.registry import SOURCES
from schemas.text import normalise_key


def _one(function, text):
    return (
        pl.DataFrame({"v": [text]}, schema={"v": pl.String})
        .select(function(pl.col("v")).alias("v"))
        .item()
    )


def _vietnamese(number: int) -> str:
    return f"{number:,}".replace(",", ".")


@given(st.integers(min_value=0, max_value=10**12))
def test_vietnamese_thousands_round_trip(number):
    assert _one(parsers.parse_number, _vietnamese(number)) == number
    assert _one(parsers.parse_number, _vietnamese(number) + " đ") == number
    assert _one(parsers.parse_int, str(number)) == number


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=99))
def test_comma_decimals(whole, cents):
    text = f"{_vietnamese(whole)},{cents:02d}"
    assert abs(_one(parsers.parse_number, text) - (whole + cents / 100)) < 1e-6


@given(st.text(max_size=40))
def test_parsers_never_raise_and_ints_are_whole(text):
    number = _one(parsers.parse_number, text)
    assert number is None or isinstance(number, float)
    whole = _one(parsers.parse_int, text)
    assert whole is None or isinstance(whole, int)
    _one(parsers.parse_datetime, text)  # must not raise on any text
    assert _one(parsers.parse_bool, text) in (True, False, None)


@given(st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2099, 12, 31)))
def test_every_date_form_gives_the_same_moment(moment):
    moment = moment.replace(microsecond=0)
    for text in (
        moment.strftime("%d/%m/%Y %H:%M:%S"),
        moment.strftime("%Y-%m-%d %H:%M:%S"),
        moment.strftime("%Y%m%d%H%M%S"),
        moment.strftime("%Y-%m-%dT%H:%M:%S"),
    ):
        assert _one(parsers.parse_datetime, text) == moment, text
    assert _one(parsers.parse_date, moment.strftime("%d/%m/%Y")) == moment.date()


HEADERS = [
    (spec.name, header, column.name)
    for spec in SOURCES.values()
    for column in spec.columns
    for header in column.headers
]


@settings(max_examples=300)
@given(
    st.sampled_from(HEADERS),
    st.lists(st.booleans(), min_size=60, max_size=60),
    st.sampled_from(["NFC", "NFD"]),
    st.text(alphabet=" \t", max_size=3),
    st.text(alphabet=" \t", max_size=3),
)
def test_headers_match_whatever_case_spacing_and_normal_form(entry, upper, form, before, after):
    source, header, column = entry
    mangled = "".join(
        c.upper() if flip else c.lower() for c, flip in zip(header, upper, strict=False)
    )
    mangled = unicodedata.normalize(form, before + mangled.replace(" ", "  ") + after)
    found = SOURCES[source].header_index().get(normalise_key(mangled))
    assert found is not None and found.name == column
