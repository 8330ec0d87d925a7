"""The yearly report for the leadership: one self-contained HTML file (charts embedded as PNG,
no internet needed), in Vietnamese with an English toggle, for any year with data.

Every text, number and chart exists in both languages (numbers as each writes them:
warehouse/numbers.py); the page shell is templates/report.html. What the year holds — months
per source, partial years, the province it is reported for — comes from warehouse/coverage.py.
"""

from __future__ import annotations

import base64
import html
import io
import string
from collections.abc import Callable
from pathlib import Path

import duckdb
import matplotlib

from schemas.common import REFORM_DATE
from warehouse.coverage import (
    SOURCE_NAMES,
    SourceCoverage,
    as_of,
    coverage,
    province_of_year,
    require_data,
)
from warehouse.index_766 import published_groups
from warehouse.numbers import format_number, unit_label

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

TEMPLATE = Path(__file__).parent / "templates" / "report.html"
RED, GREY, BLUE = "#c0392b", "#bbbbbb", "#2e6f9e"
LANGS = ("vi", "en")
DEFAULT_PROFILE = (
    "(select any_value(profile) from dim_service_index_766_indicator where is_default_profile)"
)


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _both(vi: str, en: str) -> str:
    return f'<span class="vi">{html.escape(vi)}</span><span class="en">{html.escape(en)}</span>'


def _both_html(vi: str, en: str) -> str:
    """Already-escaped HTML in each language."""
    return f'<span class="vi">{vi}</span><span class="en">{en}</span>'


def _number(value, unit: str = "") -> str:
    return _both(format_number(value, unit, "vi"), format_number(value, unit, "en"))


def _chart(draw: Callable[[str], tuple[object, str]]) -> str:
    """The chart drawn once per language, each shown with its language."""
    images = []
    for lang in LANGS:
        figure, alt = draw(lang)
        images.append(f'<img src="{_png(figure)}" alt="{html.escape(alt)}">')
    return _both_html(*images)


def _value_ticks(axis, lang: str) -> None:
    """A chart's value axis in the language's digits (a category axis keeps its names)."""
    axis.set_major_formatter(FuncFormatter(lambda value, _: format_number(value, "", lang)))


def _pick(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


def _months(found: SourceCoverage | None, lang: str) -> str:
    months = found.months_covered if found else 0
    return _pick(lang, f"{months}/12 tháng", f"{months}/12 months")


def _partial_note(found: SourceCoverage | None) -> str:
    if found is not None and found.is_complete:
        return ""
    note = _both(f"một phần năm: {_months(found, 'vi')}", f"partial year: {_months(found, 'en')}")
    return f' <span class="partial">({note})</span>'


# ---- sections ------------------------------------------------------------------------------


def _scorecard(con, year: int, now: dict, before: dict) -> str:
    rows = con.sql(
        "select c.name_vi, c.name_en, c.unit, c.source, c.value, p.value "
        "from mart_province_scorecard c left join mart_province_scorecard p "
        "on p.indicator_code = c.indicator_code and p.year = c.year - 1 "
        "where c.year = ? order by list_position(?, c.source), c.indicator_code",
        params=[year, list(SOURCE_NAMES)],
    ).fetchall()
    body = "".join(
        f"<tr><td>{_both(vi, en)}</td><td>{_both(unit_label(unit, 'vi'), unit_label(unit, 'en'))}"
        f"</td><td class=n>{_number(value, unit)}{_partial_note(now.get(source))}</td>"
        f"<td class=n>{_number(previous, unit)}"
        f"{'' if previous is None else _partial_note(before.get(source))}</td></tr>"
        for vi, en, unit, source, value, previous in rows
    )
    previous_partial = any(not c.is_complete for c in before.values()) or not before
    previous_head = f"{year - 1}" + (
        f' <span class="partial">({_both("năm chưa đủ số liệu", "partial year")})</span>'
        if previous_partial
        else ""
    )
    head = (
        f"<tr><th>{_both('Chỉ tiêu', 'Indicator')}</th><th>{_both('Đơn vị tính', 'Unit')}</th>"
        f"<th>{year}</th><th>{previous_head}</th></tr>"
    )
    return f"<table>{head}{body}</table>"


def _coverage_table(year: int, now: dict, before: dict) -> str:
    def span(found: SourceCoverage | None, lang: str) -> str:
        if found is None:
            return _pick(lang, "không có dữ liệu", "no data")
        first, last = found.first_month, found.last_month
        if lang == "vi":
            return f"{first.month:02d}/{first.year} – {last.month:02d}/{last.year}"
        return f"{first:%Y-%m} – {last:%Y-%m}"

    rows = "".join(
        f"<tr><td>{_both(vi, en)}</td>"
        f"<td>{_both(_months(now.get(source), 'vi'), _months(now.get(source), 'en'))}</td>"
        f"<td>{_both(span(now.get(source), 'vi'), span(now.get(source), 'en'))}</td>"
        f"<td>{_complete(now.get(source))}</td>"
        f"<td>{_both(_months(before.get(source), 'vi'), _months(before.get(source), 'en'))}</td>"
        "</tr>"
        for source, (vi, en) in SOURCE_NAMES.items()
    )
    head = (
        f"<tr><th>{_both('Nguồn', 'Source')}</th><th>{year}</th>"
        f"<th>{_both('Từ – đến', 'From – to')}</th><th>{_both('Đủ năm', 'Whole year')}</th>"
        f"<th>{year - 1}</th></tr>"
    )
    return f"<table>{head}{rows}</table>"


def _complete(found: SourceCoverage | None) -> str:
    if found is not None and found.is_complete:
        return _both("đủ", "yes")
    return f'<span class="partial">{_both("một phần", "partial")}</span>'


def trend_rows(con, year: int) -> list[tuple]:
    """(month, on-time share, online share) of the months the dossier exports of the year cover."""
    # the months the dossier exports cover: an export made on 2 December holds a few dossiers
    # finished that month and none received, which is not a month of 0 % online
    return con.sql(
        "select m.period, sum(m.finished_in_time) / nullif(sum(m.finished), 0), "
        "sum(m.received_online) / nullif(sum(m.received), 0) from mart_dossier_monthly m "
        "join mart_source_coverage c on c.year = ? and c.source = 'dossiers' "
        "and m.period between strftime(c.first_month, '%Y-%m') and strftime(c.last_month, '%Y-%m') "
        "group by m.period order by m.period",
        params=[year],
    ).fetchall()


def _trends(con, year: int) -> str:
    rows = trend_rows(con, year)

    def draw(lang: str):
        figure, axis = plt.subplots(figsize=(9, 3.2))
        months = [r[0][-2:] for r in rows]
        # a month with nothing to divide is a gap in the line, not 0 %
        on_time, online = (
            [float("nan") if r[i] is None else 100 * r[i] for r in rows] for i in (1, 2)
        )
        axis.plot(
            months, on_time, marker="o", color=RED, label=_pick(lang, "Đúng hạn %", "On time %")
        )
        axis.plot(
            months, online, marker="s", color=BLUE, label=_pick(lang, "Trực tuyến %", "Online %")
        )
        axis.set_ylim(0, 105)
        _value_ticks(axis.yaxis, lang)
        axis.set_xlabel(_pick(lang, f"Tháng năm {year}", f"Month of {year}"))
        axis.legend(loc="lower right")
        axis.set_title(
            _pick(
                lang,
                "Hồ sơ đúng hạn và trực tuyến theo tháng",
                "Dossiers finished on time and received online, by month",
            )
        )
        return figure, _pick(lang, "xu hướng đúng hạn, trực tuyến", "on-time and online trends")

    return _chart(draw)


SHOWN_AT_EACH_END = 15  # a ranking of many units shows the best and the weakest this many


def ranking(con, year: int) -> tuple[str, list[tuple[str, float]], int]:
    """The units the year ranks — districts before the 2025 reform, the new communes from the
    reform's year — with their names at the year's end, weakest first: every one when they are
    few, else the 15 best and the 15 weakest, on the normalised total (units differ in what
    their exports let the index assess)."""
    unit_type = "district" if year < REFORM_DATE.year else "commune"
    rows = con.sql(
        "select coalesce(admin_unit_on(s.unit_code, make_date(?, 12, 31)).name, s.unit_code), "
        "s.total_normalised from mart_service_index_766 s "
        f"where s.profile = {DEFAULT_PROFILE} and s.unit_type = ? and s.period_type = 'year' "
        "and s.period = ? and s.total_normalised is not null "
        "order by s.total_normalised, s.unit_code",
        params=[year, unit_type, str(year)],
    ).fetchall()
    ends = SHOWN_AT_EACH_END
    shown = rows[:ends] + rows[-ends:] if len(rows) > 2 * ends else rows
    return unit_type, shown, len(rows)


def _index_ranking(con, year: int) -> str:
    unit_type, rows, ranked = ranking(con, year)
    if not rows:
        return f"<p>{_both('Chưa có điểm Chỉ số 766 của năm.', 'No 766 scores for the year.')}</p>"

    def draw(lang: str):
        figure, axis = plt.subplots(figsize=(9, 0.3 * max(len(rows), 3) + 1))
        axis.barh([r[0] for r in rows], [r[1] for r in rows], color=RED)
        axis.set_xlim(0, 100)
        _value_ticks(axis.xaxis, lang)
        level = {
            ("vi", "district"): "cấp huyện",
            ("vi", "commune"): "cấp xã",
            ("en", "district"): "districts",
            ("en", "commune"): "communes",
        }[lang, unit_type]
        title = _pick(
            lang,
            f"Xếp hạng {level} theo Chỉ số 766 năm {year} (thang điểm 100)",
            f"Ranking of the {level} by the 766 index, {year} (out of 100)",
        )
        if ranked > len(rows):  # the weakest below the line, the best above it
            axis.axhline(SHOWN_AT_EACH_END - 0.5, color="grey", linestyle="--", linewidth=0.8)
            title += _pick(
                lang,
                f"\n{SHOWN_AT_EACH_END} đơn vị thấp nhất và {SHOWN_AT_EACH_END} cao nhất "
                f"trong {ranked}",
                f"\nthe {SHOWN_AT_EACH_END} weakest and the {SHOWN_AT_EACH_END} best of {ranked}",
            )
        axis.set_title(title)
        for index, (_, total) in enumerate(rows):
            axis.text(
                total + 0.5, index, format_number(total, "điểm", lang), va="center", fontsize=7
            )
        return figure, f"{unit_type} ranking by the 766 index"

    return _chart(draw)


def _welfare(con, year: int) -> str:
    rows = con.sql(
        "select o.org_code, o.name_en, t.support_type, t.name_en, sum(w.value_vnd) / 1e9 "
        "from mart_welfare_yearly w join dim_organisation o using (org_code) "
        "join dim_support_type t using (support_type) "
        "where w.year = ? group by all order by any_value(o.sort_order), any_value(t.sort_order)",
        params=[year],
    ).fetchall()
    if not rows:
        return (
            f"<p>{_both('Không có dữ liệu an sinh của năm.', 'No welfare data for the year.')}</p>"
        )
    orgs = list(dict.fromkeys((r[0], r[1]) for r in rows))
    types = list(dict.fromkeys((r[2], r[3]) for r in rows))
    value = {(r[0], r[2]): r[4] for r in rows}

    def draw(lang: str):
        figure, axis = plt.subplots(figsize=(9, 3.6))
        names = [_pick(lang, code, en) for code, en in orgs]
        bottom = [0.0] * len(orgs)
        for support, support_en in types:
            heights = [float(value.get((org, support), 0)) for org, _ in orgs]
            axis.bar(names, heights, bottom=bottom, label=_pick(lang, support, support_en))
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        axis.set_ylabel(_pick(lang, "tỷ đồng", "billion VND"))
        _value_ticks(axis.yaxis, lang)
        axis.tick_params(axis="x", labelsize=7, labelrotation=0 if lang == "vi" else 12)
        axis.legend(fontsize=8)
        axis.set_title(
            _pick(
                lang,
                f"Giá trị an sinh xã hội theo tổ chức và hình thức, {year}",
                f"Value of welfare support by organisation and type, {year}",
            )
        )
        return figure, "welfare by organisation and type"

    return _chart(draw)


def _engagement(con, year: int) -> str:
    rows = con.sql(
        "select e.level, l.level_vi, l.name_en, e.dialogues_held, "
        "e.periodic_receptions_scheduled, e.periodic_receptions_held "
        "from mart_engagement_yearly e "
        "join (select level, min(level_vi) as level_vi, min(name_en) as name_en from dim_level "
        "group by level) l using (level) "
        "where e.year = ? and e.grain = 'level' order by e.level",
        params=[year],
    ).fetchall()
    if not rows:
        return f"<p>{_both('Không có dữ liệu tiếp dân của năm.', 'No engagement data.')}</p>"

    def draw(lang: str):
        figure, axis = plt.subplots(figsize=(9, 3.2))
        positions = range(len(rows))
        bars = [
            (3, _pick(lang, "Đối thoại", "Dialogues"), BLUE),
            (
                4,
                _pick(lang, "Tiếp dân định kỳ theo kế hoạch", "Periodic receptions scheduled"),
                GREY,
            ),
            (5, _pick(lang, "Đã tiếp", "Held"), RED),
        ]
        for offset, (index, label, color) in enumerate(bars):
            axis.bar(
                [p + (offset - 1) * 0.27 for p in positions],
                [r[index] for r in rows],
                width=0.27,
                label=label,
                color=color,
            )
        axis.set_xticks(list(positions), [_pick(lang, r[1], r[2]) for r in rows])
        axis.legend(fontsize=8)
        _value_ticks(axis.yaxis, lang)
        axis.set_title(
            _pick(
                lang,
                f"Đối thoại và tiếp công dân theo cấp, {year}",
                f"Dialogues and citizen receptions by level, {year}",
            )
        )
        return figure, "engagement by level"

    return _chart(draw)


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
    if not row:
        return f"<p>{_both('Chưa có điểm Chỉ số 766 của năm.', 'No 766 scores for the year.')}</p>"
    *scores, total, assessable, normalised, rating = row[0]

    def draw(lang: str):
        figure, axis = plt.subplots(figsize=(9, 3.1))
        labels = [_pick(lang, vi, en) for _, vi, en, _ in groups]
        axis.barh(labels, [maximum for *_, maximum in groups], color="#eeeeee")
        axis.barh(labels, [(v or 0) for v in scores], color=RED)
        axis.invert_yaxis()
        _value_ticks(axis.xaxis, lang)
        score = format_number(normalised or 0, "điểm", lang)
        points = format_number(total or 0, "điểm", lang)
        of = format_number(assessable or 0, "", lang)
        axis.set_title(
            _pick(
                lang,
                f"Chỉ số 766 toàn tỉnh {year}: {score}/100 ({rating})\n"
                f"{points} của {of} điểm đánh giá được",
                f"Province 766 index {year}: {score}/100 ({RATINGS_EN.get(rating, rating)})\n"
                f"{points} of {of} assessable points",
            )
        )
        return figure, "766 group scores"

    return _chart(draw) + _index_detail(con, year)


# the bands of warehouse/service_index_766.yaml
RATINGS_EN = {
    "Xuất sắc": "excellent",
    "Tốt": "good",
    "Khá": "fair",
    "Trung bình": "average",
    "Yếu": "weak",
}
# warehouse/service_index_766.yaml `all_or_nothing`: why 145 of 146 can score 0
_ALL_OR_NOTHING = (
    "một trường hợp trễ hạn là cả kỳ không đạt điểm (quy tắc của Cổng DVCQG)",
    "one late item scores the whole period 0 (the portal's rule)",
)
_STATUSES = {
    "scored": ("chấm từ số liệu", "scored"),
    "zero_denominator": ("không có gì để tính", "nothing to count"),
    "fixed": ("cố định", "fixed"),
    "not_scored": ("không chấm", "not scored"),
    "not_applicable": ("không áp dụng", "not applicable"),
    "not_assessable": ("không đánh giá được", "not assessable"),
}


def _index_detail(con, year: int) -> str:
    """The province's indicators of the year: counts, points, and why an indicator was not
    scored from the province's own counts (not assessable: which export column is missing)."""
    rows = con.sql(
        "select d.name_vi, d.name_en, d.numerator, d.denominator, d.points, d.max_points, "
        "d.status, d.reason, i.all_or_nothing from mart_service_index_766_detail d "
        "join dim_service_index_766_indicator i "
        "using (profile, indicator_code) "
        f"where d.profile = {DEFAULT_PROFILE} and d.unit_type = 'province' "
        "and d.period_type = 'year' and d.period = ? order by i.group_no, i.indicator_no",
        params=[str(year)],
    ).fetchall()

    def note(status: str, reason: str | None, all_or_nothing: bool) -> str:
        vi, en = _STATUSES.get(status, (status, status))
        if status == "scored" and all_or_nothing:
            vi, en = f"{vi}: {_ALL_OR_NOTHING[0]}", f"{en}: {_ALL_OR_NOTHING[1]}"
        if reason is None:
            return _both(vi, en)
        # the mart's reasons are written 'Vietnamese — English'; one that restates the status
        # ('nothing to count: …') stands alone
        reason_vi, _, reason_en = reason.partition(" — ")
        reason_en = reason_en or reason_vi
        if reason_en.lower().startswith(en.lower()) or status == "not_scored":
            return _both(reason_vi, reason_en)
        return _both(f"{vi}: {reason_vi}", f"{en}: {reason_en}")

    body = "".join(
        f"<tr><td>{_both(vi, en)}</td><td class=n>{_number(n)}</td>"
        f"<td class=n>{_number(d)}</td><td class=n>"
        f"{'—' if points is None else _number(points, 'điểm')} / {_number(maximum)}</td>"
        f"<td>{note(status, reason, all_or_nothing)}</td></tr>"
        for vi, en, n, d, points, maximum, status, reason, all_or_nothing in rows
    )
    head = (
        f"<tr><th>{_both('Chỉ tiêu', 'Indicator')}</th><th>{_both('Tử số', 'Numerator')}</th>"
        f"<th>{_both('Mẫu số', 'Denominator')}</th><th>{_both('Điểm', 'Points')}</th>"
        f"<th>{_both('Ghi chú', 'Note')}</th></tr>"
    )
    return f"<table>{head}{body}</table>"


FILES_OF_THE_YEAR = ("Tệp của năm (và tệp bị từ chối)", "Files of the year (and rejected files)")
_FILE_STATUSES = {  # load_audit.status
    "loaded": ("đã nạp", "loaded"),
    "superseded": ("thay bằng lần gửi sau", "superseded by a later delivery"),
    "rejected": ("bị từ chối", "rejected"),
}


def _quality(con, year: int) -> str:
    """The checks of the very rows published (check_results): those that failed; then the
    year's files (their period in the year, or none read from a rejected file): totals rows
    that did not reconcile, statuses and the quarantine."""
    of_year = "(period like ? || '%' or period is null)"
    checked = con.sql(
        "select count(*), count(*) filter (not passed), max(checked_at) from check_results"
    ).fetchall()[0]
    failed = con.sql(
        "select check_name, asset, severity, violations, message from check_results "
        "where not passed order by severity, check_name"
    ).fetchall()
    mismatches = con.sql(
        "select source_file, totals_message from load_audit "
        f"where not totals_reconciled and {of_year} order by source_file",
        params=[str(year)],
    ).fetchall()
    files = con.sql(
        f"select status, count(*) from load_audit where {of_year} group by 1 order by 1",
        params=[str(year)],
    ).fetchall()
    # by reason code, in the reader's language (dim_quarantine_reason)
    reasons = con.sql(
        "select q.source, r.text_vi, r.text_en, count(*) from quarantine q "
        "join dim_quarantine_reason r using (reason_code) where q.period like ? || '%' "
        "group by all order by 4 desc, 1, 2 limit 10",
        params=[str(year)],
    ).fetchall()
    total, failing, checked_at = checked
    when = "—" if checked_at is None else f"{checked_at:%Y-%m-%d %H:%M}"
    summary = _both(
        f"{total} kiểm tra trên đúng số liệu đã công bố (lúc {when}); {failing} không đạt.",
        f"{total} checks on the very rows published (at {when}); {failing} did not pass.",
    )
    failed_rows = "".join(
        f"<tr class=failed><td>{html.escape(name)}</td><td>{html.escape(asset)}</td>"
        f"<td>{html.escape(severity)}</td><td class=n>{_number(violations)}</td>"
        f"<td>{html.escape(message or '')}</td></tr>"
        for name, asset, severity, violations, message in failed
    )
    mismatch_rows = "".join(
        f"<tr><td>{html.escape(f)}</td><td>{html.escape(m or '')}</td></tr>" for f, m in mismatches
    )
    file_rows = "".join(
        f"<tr><td>{_both(*_FILE_STATUSES.get(s, (s, s)))}</td><td class=n>{_number(n)}</td></tr>"
        for s, n in files
    )
    reason_rows = "".join(
        f"<tr><td>{_both(*SOURCE_NAMES.get(s, (s, s)))}</td>"
        f"<td>{_both(vi, en)}</td><td class=n>{_number(n)}</td></tr>"
        for s, vi, en, n in reasons
    )
    none = f"<p>{_both('Không có.', 'None.')}</p>"
    return (
        f"<p>{summary}</p>"
        f"<h3>{_both('Kiểm tra không đạt', 'Checks that did not pass')}</h3>"
        + (
            f"<table><tr><th>{_both('Kiểm tra', 'Check')}</th><th>{_both('Bảng', 'Table')}</th>"
            f"<th>{_both('Mức', 'Severity')}</th><th>{_both('Số dòng', 'Rows')}</th>"
            f"<th>{_both('Thông báo', 'Message')}</th></tr>{failed_rows}</table>"
            if failed
            else none
        )
        + f"<h3>{_both('Dòng tổng cộng không khớp', 'Totals rows that do not reconcile')}</h3>"
        + (
            f"<table><tr><th>{_both('Tệp', 'File')}</th><th>{_both('Chênh lệch', 'Mismatch')}"
            f"</th></tr>{mismatch_rows}</table>"
            if mismatches
            else none
        )
        + f"<h3>{_both(*FILES_OF_THE_YEAR)}</h3>"
        f"<table><tr><th>{_both('Trạng thái tệp', 'File status')}</th>"
        f"<th>{_both('Số tệp', 'Files')}</th></tr>{file_rows}</table>"
        f"<h3>{_both('Lý do cách ly nhiều nhất', 'Top quarantine reasons')}</h3>"
        f"<table><tr><th>{_both('Nguồn', 'Source')}</th><th>{_both('Lý do', 'Reason')}</th>"
        f"<th>{_both('Số dòng', 'Rows')}</th></tr>{reason_rows}</table>"
    )


def _english_name(name: str) -> str:
    """'Tỉnh Lâm Đồng' → 'Lâm Đồng province' (the reference names units in Vietnamese)."""
    return f"{name.removeprefix('Tỉnh ')} province" if name.startswith("Tỉnh ") else name


def render(reporting_db: Path, year: int) -> str:
    """The report of `year`; NoDataError (warehouse/coverage.py) when no source has rows in it."""
    con = duckdb.connect(str(reporting_db), read_only=True)
    try:
        now = require_data(con, year)
        before = coverage(con, year - 1)
        _, province = province_of_year(con, year)
        sections = [
            (
                "Số liệu của năm theo nguồn",
                "What the year's data covers, by source",
                _coverage_table(year, now, before),
            ),
            (
                "Bảng chỉ tiêu năm so với năm trước",
                "Scorecard against the previous year",
                _scorecard(con, year, now, before),
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
            ("Chất lượng dữ liệu", "Data quality", _quality(con, year)),
        ]
    finally:
        con.close()
    body = "".join(
        f"<section><h2>{_both(vi, en)}</h2>{content}</section>" for vi, en, content in sections
    )
    title_vi = f"Báo cáo công tác dân vận và cải cách hành chính năm {year}"
    day = as_of(now)
    as_of_vi = "—" if day is None else f"{day:%d/%m/%Y}"
    as_of_en = "—" if day is None else f"{day:%Y-%m-%d}"
    partial = not all(c.is_complete for c in now.values()) or len(now) < len(SOURCE_NAMES)
    source = _both(
        f"{province} — số liệu từ kho dữ liệu đã công bố, tính đến ngày {as_of_vi}."
        + (" Năm chưa đủ số liệu: xem số tháng của từng nguồn." if partial else ""),
        f"{_english_name(province)} — figures from the published warehouse, data as of "
        f"{as_of_en}." + (" A partial year: see the months each source covers." if partial else ""),
    )
    return string.Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        title=html.escape(title_vi),
        heading=_both(title_vi, f"Mass mobilisation and administrative reform, {year}"),
        source=source,
        sections=body,
    )


def write(reporting_db: Path, year: int, out: Path) -> Path:
    text = render(reporting_db, year)  # before touching `out`: no empty report for no data
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out
