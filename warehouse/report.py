"""The yearly report for the leadership: one self-contained HTML file (charts embedded as PNG,
no internet needed), in Vietnamese with an English toggle."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import duckdb
import matplotlib

from warehouse.index_766 import published_groups

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

RED, GREY, BLUE = "#c0392b", "#bbbbbb", "#2e6f9e"
STYLE = """
body{font-family:'Segoe UI',Arial,sans-serif;margin:2em auto;max-width:1000px;color:#222}
h1{color:#8b1a1a}h2{border-bottom:2px solid #8b1a1a;padding-bottom:4px;margin-top:2em}
table{border-collapse:collapse;width:100%;font-size:14px}td,th{border-bottom:1px solid #ddd;
padding:4px 8px;text-align:left}td.n{text-align:right}img{max-width:100%}
#lang-en:checked ~ main .vi{display:none}#lang-vi:checked ~ main .en{display:none}
.toggle{float:right;font-size:14px}
"""


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _img(src: str, alt: str) -> str:
    return f'<img src="{src}" alt="{html.escape(alt)}">'


def _both(vi: str, en: str) -> str:
    return f'<span class="vi">{html.escape(vi)}</span><span class="en">{html.escape(en)}</span>'


def _number(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "tỷ lệ":
        return f"{value * 100:.2f}%"
    if unit == "điểm":
        return f"{value:.1f}"
    return f"{value:,.0f}".replace(",", ".")


def _scorecard(con, year: int) -> str:
    rows = con.sql(
        "select c.indicator_code, c.name_vi, c.name_en, c.unit, c.value, p.value "
        "from mart_province_scorecard c left join mart_province_scorecard p "
        "on p.indicator_code = c.indicator_code and p.year = c.year - 1 "
        "where c.year = ? order by c.indicator_code",
        params=[year],
    ).fetchall()
    body = "".join(
        f"<tr><td>{_both(vi, en)}</td><td class=n>{_number(value, unit)}</td>"
        f"<td class=n>{_number(previous, unit)}</td></tr>"
        for _, vi, en, unit, value, previous in rows
    )
    head = f"<tr><th>{_both('Chỉ tiêu', 'Indicator')}</th><th>{year}</th><th>{year - 1}</th></tr>"
    return f"<table>{head}{body}</table>"


def _trends(con, year: int) -> str:
    rows = con.sql(
        "select period, sum(finished_early + finished_on_time) / nullif(sum(finished), 0), "
        "sum(received_online) / nullif(sum(received), 0) from mart_dossier_monthly "
        "where period like ? group by period order by period",
        params=[f"{year}-%"],
    ).fetchall()
    figure, axis = plt.subplots(figsize=(9, 3.2))
    months = [r[0][-2:] for r in rows]
    axis.plot(
        months,
        [100 * (r[1] or 0) for r in rows],
        marker="o",
        color=RED,
        label="Đúng hạn / on time %",
    )
    axis.plot(
        months,
        [100 * (r[2] or 0) for r in rows],
        marker="s",
        color=BLUE,
        label="Trực tuyến / online %",
    )
    axis.set_ylim(0, 105)
    axis.set_xlabel(f"Tháng / month {year}")
    axis.legend(loc="lower right")
    axis.set_title("Hồ sơ đúng hạn và trực tuyến theo tháng")
    return _img(_png(figure), "on-time and online trends")


DEFAULT_PROFILE = (
    "(select any_value(profile) from dim_service_index_766_indicator where is_default_profile)"
)


def _index_ranking(con, year: int) -> str:
    """Districts of the year (before the 2025 reform), else communes: every one when they are
    few, else the 15 best and the 15 weakest, on the normalised total (units differ in what
    their exports let the index assess)."""
    unit_type = "district"
    rows = _ranking_rows(con, year, unit_type)
    if not rows:
        unit_type = "commune"
        rows = _ranking_rows(con, year, unit_type)
    if len(rows) > 30:
        rows = rows[:15] + rows[-15:]
    figure, axis = plt.subplots(figsize=(9, 0.3 * max(len(rows), 3) + 1))
    axis.barh([r[0] for r in rows], [r[1] for r in rows], color=RED)
    axis.set_xlim(0, 100)
    level = "cấp huyện" if unit_type == "district" else "cấp xã"
    axis.set_title(f"Xếp hạng {level} theo Chỉ số 766 năm {year} (thang 100)")
    for index, (_, total) in enumerate(rows):
        axis.text(total + 0.5, index, f"{total:.2f}", va="center", fontsize=7)
    return _img(_png(figure), f"{unit_type} ranking by the 766 index")


def _ranking_rows(con, year: int, unit_type: str) -> list[tuple[str, float]]:
    return con.sql(
        "select coalesce(d.name, s.unit_code), s.total_normalised from mart_service_index_766 s "
        "left join dim_admin_unit d on d.code = s.unit_code "
        "and make_date(?, 12, 31) between d.valid_from and d.valid_to "
        f"where s.profile = {DEFAULT_PROFILE} and s.unit_type = ? and s.period_type = 'year' "
        "and s.period = ? and s.total_normalised is not null "
        "order by s.total_normalised, s.unit_code",
        params=[year, unit_type, str(year)],
    ).fetchall()


def _welfare(con, year: int) -> str:
    rows = con.sql(
        "select org_code, support_type, sum(value_vnd) / 1e9 from mart_welfare_yearly "
        "where year = ? group by all order by 1, 2",
        params=[year],
    ).fetchall()
    orgs = sorted({r[0] for r in rows})
    types = sorted({r[1] for r in rows})
    value = {(r[0], r[1]): r[2] for r in rows}
    figure, axis = plt.subplots(figsize=(9, 3.6))
    bottom = [0.0] * len(orgs)
    for support in types:
        heights = [value.get((org, support), 0) for org in orgs]
        axis.bar(orgs, heights, bottom=bottom, label=support)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axis.set_ylabel("tỷ đồng / billion VND")
    if types:
        axis.legend(fontsize=8)
    axis.set_title(f"Giá trị an sinh xã hội theo tổ chức và hình thức, {year}")
    return _img(_png(figure), "welfare by organisation and type")


def _engagement(con, year: int) -> str:
    rows = con.sql(
        "select level, dialogues_held, periodic_receptions_scheduled, periodic_receptions_held "
        "from mart_engagement_yearly where year = ? and grain = 'level' order by level",
        params=[year],
    ).fetchall()
    figure, axis = plt.subplots(figsize=(9, 3.2))
    positions = range(len(rows))
    for offset, (index, label, color) in enumerate(
        [
            (1, "Đối thoại / dialogues", BLUE),
            (2, "Tiếp dân định kỳ theo KH / scheduled", GREY),
            (3, "Đã tiếp / held", RED),
        ]
    ):
        axis.bar(
            [p + (offset - 1) * 0.27 for p in positions],
            [r[index] for r in rows],
            width=0.27,
            label=label,
            color=color,
        )
    axis.set_xticks(list(positions), [r[0] for r in rows])
    axis.legend(fontsize=8)
    axis.set_title(f"Đối thoại và tiếp công dân theo cấp, {year}")
    return _img(_png(figure), "engagement by level")


def _index_groups(con, year: int) -> str:
    groups = published_groups(con)
    row = con.sql(
        "select "
        + "".join(f"points_{code}, " for code, *_ in groups)
        + "total, points_assessable, total_normalised, rating from mart_service_index_766 "
        f"where profile = {DEFAULT_PROFILE} and unit_type = 'province' and period_type = 'year' "
        "and period = ?",
        params=[str(year)],
    ).fetchall()
    *scores, total, assessable, normalised, rating = (
        row[0] if row else [None] * (len(groups) + 3) + ["—"]
    )
    figure, axis = plt.subplots(figsize=(9, 3.1))
    labels = [f"{vi} / {en}" for _, vi, en, _ in groups]
    axis.barh(labels, [maximum for *_, maximum in groups], color="#eeeeee")
    axis.barh(labels, [(v or 0) for v in scores], color=RED)
    axis.invert_yaxis()
    axis.set_title(
        f"Chỉ số 766 toàn tỉnh {year}: {normalised or 0:.2f}/100 ({rating})\n"
        f"{total or 0:.2f} của {assessable or 0:g} điểm đánh giá được"
    )
    return _img(_png(figure), "766 group scores") + _index_detail(con, year)


def _index_detail(con, year: int) -> str:
    """The province's indicators of the year: counts, points, and why an indicator was not
    scored from the province's own counts (not assessable: which export column is missing)."""
    rows = con.sql(
        "select d.name_vi, d.name_en, d.numerator, d.denominator, d.points, d.max_points, "
        "d.status, d.reason from mart_service_index_766_detail d "
        "join dim_service_index_766_indicator i "
        "using (profile, indicator_code) "
        f"where d.profile = {DEFAULT_PROFILE} and d.unit_type = 'province' "
        "and d.period_type = 'year' and d.period = ? order by i.group_no, i.indicator_no",
        params=[str(year)],
    ).fetchall()
    body = "".join(
        f"<tr><td>{_both(vi, en)}</td><td class=n>{_number(n, '')}</td>"
        f"<td class=n>{_number(d, '')}</td><td class=n>"
        f"{'—' if points is None else f'{points:.2f}'} / {maximum:g}</td>"
        f"<td>{html.escape(_REASONS.get(status, status))}"
        f"{'' if reason is None else ': ' + html.escape(reason)}</td></tr>"
        for vi, en, n, d, points, maximum, status, reason in rows
    )
    head = (
        f"<tr><th>{_both('Chỉ tiêu', 'Indicator')}</th><th>{_both('Tử số', 'Numerator')}</th>"
        f"<th>{_both('Mẫu số', 'Denominator')}</th><th>{_both('Điểm', 'Points')}</th>"
        f"<th>{_both('Ghi chú', 'Note')}</th></tr>"
    )
    return f"<table>{head}{body}</table>"


_REASONS = {
    "scored": "chấm từ số liệu / scored",
    "zero_denominator": "không có gì để tính / nothing to count",
    "fixed": "cố định / fixed",
    "not_scored": "không chấm / not scored",
    "not_applicable": "không áp dụng / not applicable",
    "not_assessable": "không đánh giá được / not assessable",
}


def _quality(con) -> str:
    files = con.sql("select status, count(*) from load_audit group by 1 order by 1").fetchall()
    reasons = con.sql(
        "select source, regexp_replace(reason, '''[^'']*''', '…', 'g') as reason, count(*) "
        "from quarantine group by all order by 3 desc limit 10"
    ).fetchall()
    file_rows = "".join(f"<tr><td>{html.escape(s)}</td><td class=n>{n}</td></tr>" for s, n in files)
    reason_rows = "".join(
        f"<tr><td>{html.escape(s)}</td><td>{html.escape(r)}</td><td class=n>{n}</td></tr>"
        for s, r, n in reasons
    )
    return (
        f"<table><tr><th>{_both('Trạng thái tệp', 'File status')}</th><th>#</th></tr>"
        f"{file_rows}</table><h3>{_both('Lý do cách ly nhiều nhất', 'Top quarantine reasons')}</h3>"
        f"<table><tr><th>source</th><th>{_both('Lý do', 'Reason')}</th><th>#</th></tr>"
        f"{reason_rows}</table>"
    )


def render(reporting_db: Path, year: int) -> str:
    con = duckdb.connect(str(reporting_db), read_only=True)
    try:
        sections = [
            (
                "Bảng chỉ tiêu năm so với năm trước",
                "Scorecard against the previous year",
                _scorecard(con, year),
            ),
            (
                "Xu hướng đúng hạn và trực tuyến",
                "On-time and online trends by month",
                _trends(con, year),
            ),
            ("Xếp hạng theo Chỉ số 766", "Ranking by the 766 index", _index_ranking(con, year)),
            (
                "An sinh xã hội theo tổ chức và hình thức",
                "Welfare by organisation and type",
                _welfare(con, year),
            ),
            ("Tiếp công dân, đối thoại theo cấp", "Engagement by level", _engagement(con, year)),
            (
                "Chỉ số phục vụ (QĐ 766) theo nhóm",
                "Decision 766 group scores",
                _index_groups(con, year),
            ),
            ("Chất lượng dữ liệu", "Data quality", _quality(con)),
        ]
    finally:
        con.close()
    body = "".join(
        f"<section><h2>{_both(vi, en)}</h2>{content}</section>" for vi, en, content in sections
    )
    title = _both(
        f"Báo cáo công tác dân vận và cải cách hành chính năm {year}",
        f"Mass mobilisation and administrative reform, {year}",
    )
    source = _both(
        "Tỉnh Bình Thuận — số liệu từ kho dữ liệu đã công bố.",
        "Bình Thuận province — figures from the published warehouse.",
    )
    return (
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
        f"<title>Báo cáo công tác dân vận và cải cách hành chính năm {year}</title>"
        f"<style>{STYLE}</style></head><body>"
        "<input type='radio' name='lang' id='lang-vi' checked hidden>"
        "<input type='radio' name='lang' id='lang-en' hidden>"
        "<div class='toggle'><label for='lang-vi'>Tiếng Việt</label> | "
        "<label for='lang-en'>English</label></div><main>"
        f"<h1>{title}</h1><p>{source}</p>{body}</main></body></html>"
    )


def write(reporting_db: Path, year: int, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(reporting_db, year), encoding="utf-8")
    return out
