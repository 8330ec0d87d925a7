"""Periodic receptions against the norm of Quy định 11-QĐi/TW (art. 4(1), as amended by Kết luận
215-KL/TW) in mart_engagement_yearly and the scorecard, across the 2025 reform: province and
district secretaries 1 day a month (districts until 2025-06-30), communes 2 (docs/calendar.md)."""

import duckdb
import pytest

from schemas.engagement import SPEC as ENGAGEMENT
from tests.helpers import ingest, write_csv
from tests.test_sources import event
from warehouse.build import Warehouse
from warehouse.paths import DataPaths
from warehouse.tables import build_all


def _held(date, level, code, chair="Bí thư", **cells):
    return event(event_date=date, level=level, admin_unit_code=code, chair_role=chair, **cells)


Q2 = [  # Bình Thuận (60) before the reform
    _held("10/04/2025", "Tỉnh", "60", "Bí thư Tỉnh ủy"),
    _held("10/04/2025", "Tỉnh", "60", "Đ/c Bí thư", citizens_received="3"),  # the same day
    _held("15/05/2025", "Tỉnh", "60", "Bí thư Tỉnh ủy"),
    _held("20/05/2025", "Huyện", "593", "Bí thư Thành ủy"),
    _held("10/06/2025", "Huyện", "593", "Bí thư Thành ủy", outcome="Hoãn"),  # not held
    _held("03/04/2025", "Xã", "22915"),
    _held("17/04/2025", "Xã", "22915", planned="Không"),  # outside the plan: still a day
    _held("08/05/2025", "Xã", "22915"),
    _held("05/06/2025", "Xã", "22915", "Phó Bí thư Đảng ủy"),  # a deputy: not the head
]
Q3 = [  # the new Lâm Đồng (68), no districts
    _held("09/07/2025", "Tỉnh", "68", "Bí thư Tỉnh ủy"),
    _held("02/07/2025", "Xã", "23095"),
    _held("16/07/2025", "Xã", "23095"),
    _held("06/08/2025", "Xã", "23095"),
    _held("10/09/2025", "Đặc khu", "23272", "Bí thư Đảng ủy đặc khu"),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    root = tmp_path_factory.mktemp("norm")
    landing, data = root / "landing", root / "data"
    for quarter, rows in (("2025-Q2", Q2), ("2025-Q3", Q3)):
        write_csv(landing / f"engagement/tiep_dan_doi_thoai_{quarter}.csv", rows, ENGAGEMENT)
        outcome = ingest(landing, data, "engagement", quarter)
        assert all(f.rows_quarantined == 0 for f in outcome.files)
    build_all(Warehouse(DataPaths(data)))
    connection = duckdb.connect(str(DataPaths(data).build_db), read_only=True)
    yield connection
    connection.close()


COLUMNS = (
    "periodic_reception_days_held",
    "periodic_reception_norm_days",
    "periodic_reception_months_short",
)


def _norm(con, grain: str, level: str, code: str):
    return con.execute(
        f"select {', '.join(COLUMNS)}, periodic_reception_norm_share, "
        "periodic_reception_norm_units from mart_engagement_yearly "
        "where year = 2025 and grain = ? and level = ? and admin_unit_code = ?",
        [grain, level, code],
    ).fetchall()


def test_each_unit_against_its_monthly_norm(con):
    # province 60: April, May held (one day each, two sessions on 10/04), June short
    assert _norm(con, "unit", "province", "60")[0][:3] == (2, 3, 1)
    # the new province 68 from July: July held, August and September short
    assert _norm(con, "unit", "province", "68")[0][:3] == (1, 3, 2)
    # district 593 until June: May held; the postponed one is not a day held
    assert _norm(con, "unit", "district", "593")[0][:3] == (1, 3, 2)
    # commune 22915 (2 days a month) until June: April met (2 days), May 1 day, June 0
    assert _norm(con, "unit", "commune", "22915")[0][:3] == (3, 6, 2)
    # code 23095 is Xã Hàm Liêm before and after the reform: 6 months of norm in the year
    assert _norm(con, "unit", "commune", "23095")[0][:3] == (3, 12, 5)
    # 23272 is Xã Ngũ Phụng until June, then Đặc khu Phú Quý (commune level: 2 days a month);
    # September held 1 day of 2
    days, norm, short, share, units = _norm(con, "unit", "commune", "23272")[0]
    assert (days, norm, short, units) == (1, 12, 6, 1)
    assert share == pytest.approx(1 / 12)


def test_levels_and_province_count_units_without_any_reception(con):
    province = _norm(con, "level", "province", "*")[0]
    assert province[:3] == (3, 6, 3) and province[4] == 2
    # the 10 districts of Bình Thuận, April–June; none of them after the reform
    district = _norm(con, "level", "district", "*")[0]
    assert district[:3] == (1, 30, 29) and district[4] == 10
    # 121 communes of Bình Thuận in April–June, 124 of the new province in July–September
    commune = _norm(con, "level", "commune", "*")[0]
    assert commune[:3] == (7, 3 * 121 * 2 + 3 * 124 * 2, 3 * 121 + 3 * 124 - 2)
    total = _norm(con, "province", "province", "68")[0]
    assert total[:2] == (3 + 1 + 7, 6 + 30 + 3 * 121 * 2 + 3 * 124 * 2)
    scorecard = con.execute(
        "select value, numerator, denominator from mart_province_scorecard "
        "where year = 2025 and indicator_code = 'periodic_reception_norm_share'"
    ).fetchall()
    assert scorecard == [(pytest.approx(total[0] / total[1]), total[0], total[1])]


def test_units_of_the_norm_without_events_have_no_unit_row(con):
    units = con.execute(
        "select admin_unit_code from mart_engagement_yearly where grain = 'unit' order by 1"
    ).fetchall()
    assert [u for (u,) in units] == ["22915", "23095", "23272", "593", "60", "68"]
