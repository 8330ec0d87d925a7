"""Extra UI metadata for the headline tables: the scorecard as a markdown table and the 766
group scores as a chart image (PNG embedded in markdown, so it shows offline)."""

import base64
import io

import dagster as dg

from warehouse.index_766 import published_groups


def scorecard_markdown(con) -> dict:
    rows = con.sql(
        "select year, indicator_code, name_vi, value, unit from mart_province_scorecard "
        "where year = (select max(year) from mart_province_scorecard where indicator_code "
        "= 'gifts_given') order by indicator_code"
    ).fetchall()
    if not rows:
        return {}
    lines = ["| indicator | tên chỉ tiêu | value |", "|---|---|---|"]
    for _, code, name, value, unit in rows:
        shown = "—" if value is None else (f"{value:.2%}" if unit == "tỷ lệ" else f"{value:,.0f}")
        lines.append(f"| {code} | {name} | {shown} |")
    return {"scorecard": dg.MetadataValue.md(f"**{rows[0][0]}**\n\n" + "\n".join(lines))}


def index_chart(con) -> dict:
    """The province's latest year by the default profile, its groups as the configuration
    names and weighs them (dim_service_index_766_indicator)."""
    groups = published_groups(con)
    if not groups:
        return {}
    found = con.sql(
        "select period, "
        + ", ".join(f"points_{code}" for code, *_ in groups)
        + ", total, points_assessable, total_normalised, rating from mart_service_index_766 s "
        "where period_type = 'year' and unit_type = 'province' and profile = ("
        "select any_value(profile) from dim_service_index_766_indicator where is_default_profile"
        ") order by period desc limit 1"
    ).fetchall()
    if not found:
        return {}
    period, *scores, total, assessable, normalised, rating = found[0]
    # imported here, not with the module: every process that loads the definitions (the
    # webserver, the daemon, each run) would pay for matplotlib; a Figure needs no backend
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 2.9), dpi=90)
    axis = figure.subplots()
    labels = [name_vi for _, name_vi, _, _ in groups]
    axis.barh(labels, [maximum for *_, maximum in groups], color="#dddddd", label="tối đa")
    axis.barh(labels, [s or 0 for s in scores], color="#c0392b", label="đạt")
    axis.invert_yaxis()
    axis.set_title(
        f"Chỉ số 766 toàn tỉnh {period}: {normalised:.2f}/100 ({rating})\n"
        f"{total:.2f} của {assessable:g} điểm đánh giá được",
        fontsize=9,
    )
    axis.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    encoded = base64.b64encode(buffer.getvalue()).decode()
    return {
        "group_scores": dg.MetadataValue.md(f"![766 group scores](data:image/png;base64,{encoded})")
    }


EXTRA = {"mart_province_scorecard": scorecard_markdown, "mart_service_index_766": index_chart}


def extra_metadata(con, table: str) -> dict:
    return EXTRA[table](con) if table in EXTRA else {}
