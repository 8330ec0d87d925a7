"""The report and the scorecard for any year (#16, #19): titled by the province in force, the
new communes ranked from 2025, the months each source covers, partial years marked, numbers as
each language writes them, the checks of the published rows — and a year with no data refused."""

import re
import shutil
import subprocess

import duckdb
import pytest

from tests.helpers import bin_path
from tests.test_reform import build_reform_exports
from warehouse.build import Warehouse
from warehouse.coverage import NoDataError, coverage, province_of_year
from warehouse.numbers import format_number
from warehouse.paths import DataPaths
from warehouse.report import ranking, render, trend_rows, write


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The hand-made 2025–2026 exports of every source (tests/test_reform.py), published."""
    _, data = build_reform_exports(tmp_path_factory.mktemp("report_years"))
    return Warehouse(DataPaths(data)).publish("report-years"), data


@pytest.fixture(scope="module")
def con(published):
    path, _ = published
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def page_2025(published):
    path, _ = published
    return render(path, 2025)


def _text(page: str, lang: str) -> str:
    """What a reader of `lang` sees: the other language's spans dropped, tags removed."""
    other = "en" if lang == "vi" else "vi"
    page = re.sub(rf'<span class="{other}">.*?</span>', "", page, flags=re.S)
    page = re.sub(r"<style>.*?</style>|<title>.*?</title>", "", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize(
    ("value", "unit", "vi", "en"),
    [
        (453_763, "hồ sơ", "453.763", "453,763"),
        (0.990_3, "tỷ lệ", "99,03 %", "99.03%"),
        (165_340_000_000, "đồng", "165.340.000.000", "165,340,000,000"),
        (63.2249, "điểm", "63,22", "63.22"),
        (1_234.5, "", "1.234,50", "1,234.50"),
        (None, "hồ sơ", "—", "—"),
    ],
)
def test_numbers_as_each_language_writes_them(value, unit, vi, en):
    assert (format_number(value, unit, "vi"), format_number(value, unit, "en")) == (vi, en)


def test_the_province_in_force_for_the_year(con):
    assert province_of_year(con, 2024) == ("60", "Tỉnh Bình Thuận")
    assert province_of_year(con, 2025) == ("68", "Tỉnh Lâm Đồng")
    assert province_of_year(con, 2026) == ("68", "Tỉnh Lâm Đồng")


def test_months_covered_per_source_are_those_of_the_rows(con):
    months = {source: c.months_covered for source, c in coverage(con, 2025).items()}
    # dossiers of March and August; engagement 2025-Q3; welfare Q2 and Q3; the 2025 register;
    # the catalogue photographed on 2025-12-31
    assert months == {
        "dossiers": 2,
        "engagement": 3,
        "welfare": 6,
        "models": 12,
        "procedures": 1,
    }
    assert {s: c.is_complete for s, c in coverage(con, 2025).items()} == {
        "dossiers": False,
        "engagement": False,
        "welfare": False,
        "models": True,
        "procedures": True,  # a December snapshot: the year-end catalogue
    }
    scorecard = con.sql(
        "select indicator_code, source, months_covered, is_complete from mart_province_scorecard "
        "where year = 2025 and indicator_code in ('gifts_given', 'dossiers_received', "
        "'models_registered') order by 1"
    ).fetchall()
    assert scorecard == [
        ("dossiers_received", "dossiers", 2, False),
        ("gifts_given", "welfare", 6, False),
        ("models_registered", "models", 12, True),
    ]
    assert con.sql(
        "select distinct months_covered, is_complete from mart_welfare_yearly where year = 2025"
    ).fetchall() == [(6, False)]


def test_from_2025_the_new_communes_are_ranked(con):
    unit_type, rows, ranked = ranking(con, 2025)
    assert unit_type == "commune" and ranked >= len(rows)
    names = {name for name, _ in rows}
    # the 2025 communes by their names since the reform, not the districts of 2025-H1
    assert names and names <= set(
        n for (n,) in con.sql("select name from admin_units_on(date '2025-12-31')").fetchall()
    )
    assert not names & {"Thành phố Đà Lạt", "Huyện Đắk Mil", "Thành phố Phan Thiết"}


def test_the_2025_report_is_titled_by_the_new_province_and_marks_the_partial_year(page_2025):
    vi, en = _text(page_2025, "vi"), _text(page_2025, "en")
    assert "Tỉnh Lâm Đồng" in vi and "Bình Thuận" not in vi
    assert "Lâm Đồng province" in en
    assert "một phần năm: 2/12 tháng" in vi  # dossiers of two months
    assert "partial year: 6/12 months" in en  # welfare of two quarters
    assert "A partial year" in en and "Năm chưa đủ số liệu" in vi
    # the previous year has no data at all: its column says so
    assert "2024 ( năm chưa đủ số liệu )" in vi and "2024 ( partial year )" in en


def test_numbers_dates_and_units_in_both_languages(page_2025):
    vi, en = _text(page_2025, "vi"), _text(page_2025, "en")
    # welfare value of 2025 (tests/test_reform.py): 203,500,000 VND
    assert "203.500.000" in vi and "203,500,000" in en
    assert "đồng" in vi and "VND" in en
    assert re.search(r"tính đến ngày \d\d/\d\d/\d{4}", vi)
    assert re.search(r"data as of \d{4}-\d\d-\d\d", en)
    assert re.search(r"\d,\d\d %", vi) and not re.search(r"\d\.\d\d ?%", vi)
    assert re.search(r"\d\.\d\d%", en) and not re.search(r"\d,\d\d ?%", en)


def test_english_is_english(page_2025):
    en = _text(page_2025, "en")
    for vietnamese in ("Chỉ tiêu", "Tháng", "Nguồn", "tỷ đồng", "không đánh giá được", "(Tốt)"):
        assert vietnamese not in en
    # the provincial centre's rows are told apart from the province's
    assert "Dossiers received (provincial centre)" in en


def test_every_chart_in_both_languages(page_2025):
    images = re.findall(r'<span class="(vi|en)"><img src="data:image/png;base64,', page_2025)
    assert images and images.count("vi") == images.count("en")


def test_the_quality_section_shows_the_checks_of_the_published_rows(page_2025, con):
    failed = con.sql("select check_name from check_results where not passed").fetchall()
    vi = _text(page_2025, "vi")
    (total,) = con.sql("select count(*) from check_results").fetchall()[0]
    assert f"{total} kiểm tra trên đúng số liệu đã công bố" in vi
    for (name,) in failed:
        assert name in vi


def test_a_year_without_data_is_refused_not_written_empty(published, tmp_path):
    path, data = published
    out = tmp_path / "bao_cao_2024.html"
    with pytest.raises(NoDataError, match=r"no data for 2024: .*years with data: 2025, 2026"):
        write(path, 2024, out)
    assert not out.exists()
    for command in ("report", "scorecard"):
        done = subprocess.run(
            [bin_path("danvan"), command, "--year", "2024", "--data-dir", str(data)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, done.stdout
        assert "no data for 2024" in done.stderr


def test_only_2024_compares_with_published_figures(published):
    _, data = published
    done = subprocess.run(
        [bin_path("danvan"), "scorecard", "--year", "2025", "--compare-published"]
        + ["--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "published figures are those of 2024" in done.stderr


def test_the_scorecard_of_a_partial_year_says_so(published):
    _, data = published
    done = subprocess.run(
        [bin_path("danvan"), "scorecard", "--year", "2026", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "(1/12 tháng — months)" in done.stdout  # feedback of January 2026
    assert "a partial year" in done.stdout


def test_without_a_year_the_latest_year_with_data_is_reported(published, tmp_path):
    _, data = published
    out = tmp_path / "report.html"
    for command, extra in (("report", ["--out", str(out)]), ("scorecard", [])):
        done = subprocess.run(
            [bin_path("danvan"), command, "--data-dir", str(data), *extra],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    assert "2026" in done.stdout.splitlines()[0]  # the scorecard's title line
    assert "Tỉnh Lâm Đồng" in out.read_text(encoding="utf-8") and " 2026" in out.read_text(
        encoding="utf-8"
    )


def test_the_766_notes_say_each_thing_once_and_explain_all_or_nothing(page_2025):
    for lang in ("vi", "en"):
        text = _text(page_2025, lang).lower()
        assert "nothing to count: nothing to count" not in text
        assert "không có gì để tính: không có gì để tính" not in text
        assert "không chấm: chỉ hiển thị" not in text and "not scored: shown" not in text
    assert "one late item scores the whole period 0" in _text(page_2025, "en")


def test_the_monthly_trend_stops_at_the_months_the_exports_cover(published, tmp_path):
    path, _ = published
    copy = tmp_path / "copy.duckdb"
    shutil.copy(path, copy)
    connection = duckdb.connect(str(copy))
    try:
        ((last,),) = connection.sql(
            "select strftime(last_month, '%Y-%m') from mart_source_coverage "
            "where year = 2025 and source = 'dossiers'"
        ).fetchall()
        # dossiers finished in the days after the last covered month, none received then
        connection.execute(
            "insert into mart_dossier_monthly by name select * replace "
            "('2025-12' as period, 0 as received, 0 as received_online) "
            "from mart_dossier_monthly where period = ? limit 1",
            [last],
        )
        months = [row[0] for row in trend_rows(connection, 2025)]
    finally:
        connection.close()
    assert months and months[-1] == last < "2025-12"


def test_the_quality_section_counts_the_files_of_the_year(con, page_2025):
    def loaded(where: str) -> int:
        return con.sql(
            f"select count(*) from load_audit where status = 'loaded' and {where}"
        ).fetchall()[0][0]

    of_2025, of_all = loaded("period like '2025%'"), loaded("true")
    assert 0 < of_2025 < of_all  # the hand-made exports hold 2025 and 2026 files
    row = re.search(r"loaded</span></td><td class=n>(.*?)</td>", page_2025)
    assert row and re.sub(r"<[^>]+>", "", row.group(1)).strip().endswith(str(of_2025))


def test_the_scorecard_lists_its_indicators_source_by_source(published):
    from warehouse.coverage import SOURCE_NAMES
    from warehouse.scorecard import read_scorecard

    path, _ = published
    sources = read_scorecard(path, 2025)["source"].to_list()
    runs = [s for i, s in enumerate(sources) if i == 0 or s != sources[i - 1]]
    assert len(runs) == len(set(runs)) > 1  # each source once, in one block
    assert runs == [s for s in SOURCE_NAMES if s in runs]


def test_quarantine_reasons_are_shown_in_the_readers_language(con, page_2025):
    rows = con.sql(
        "select r.text_vi, r.text_en from quarantine q join dim_quarantine_reason r "
        "using (reason_code) where q.period like '2025%' limit 1"
    ).fetchall()
    assert rows, "the hand-made 2025 exports quarantine rows against the reform"
    ((vi, en),) = rows
    assert vi in _text(page_2025, "vi") and en not in _text(page_2025, "vi")
    assert en in _text(page_2025, "en")
