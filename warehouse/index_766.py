"""The Decision 766 service index: its configuration (warehouse/service_index_766.yaml) checked
and turned into the reference tables the SQL scores with, and the measures an indicator may
use as numerator or denominator (docs/indicators.md §C explains both)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import yaml

DEFAULT_CONFIG = Path(__file__).parent / "service_index_766.yaml"
DETAIL_SQL = Path(__file__).parent / "sql" / "mart_service_index_766_detail.sql"

# The groups a profile may use: mart_service_index_766 has one `points_<code>` column for each
GROUP_CODES = (
    "transparency",
    "progress",
    "online_service",
    "digitisation",
    "satisfaction",
    "online_payment",
)
FORMS = ("linear", "fixed")
RATE_BASES = ("counts", "percent")
CHILD_UNITS = ("own", "province")
SCOPES = ("all", "province")
# how mart_service_index_766_detail says an indicator's points were given (status_766 macro)
STATUSES = (
    "scored",
    "zero_denominator",
    "fixed",
    "not_scored",
    "not_applicable",
    "not_assessable",
)


@dataclass(frozen=True)
class Measure:
    """A count per unit and period. `inputs` are the optional export columns it needs: when a
    row of its population lacks one, the indicators using it are not assessable. An input
    that no export carries (`UNAVAILABLE`) makes them never assessable."""

    name_vi: str
    name_en: str
    inputs: tuple[str, ...] = ()


# Optional export columns an indicator can depend on, with what the SQL counts as missing
OPTIONAL_INPUTS = {
    "full_online": "dossiers.full_online",
    "synced_on_time": "dossiers.synced_on_time",
    "fee_exempt": "dossiers.fee_exempt (of dossiers of fee procedures)",
    "data_reused": "dossiers.data_reused",
    "data_fully_replaced": "dossiers.data_fully_replaced",
    "paper_result": "procedures.paper_result (of the dossiers' procedures)",
    "reuse_allowed": "procedures.reuse_allowed (of the dossiers' procedures)",
}
# What the portal counts and no export of the province carries
UNAVAILABLE = {
    "citizen_data_connected": "kết nối CSDL dân cư — connection to the population database",
}

_R = "hồ sơ tiếp nhận trong kỳ"
_RE = "dossiers received in the period"
MEASURES: dict[str, Measure] = {
    # dossiers received in the period (statuses other than 1 and 3), their state at the export
    "received": Measure(f"Số {_R}", f"{_RE}"),
    "received_on_time": Measure(
        f"{_R} đã giải quyết đúng hạn hoặc đang giải quyết trong hạn",
        f"{_RE}, finished early or on time or still within the deadline",
    ),
    "received_on_time_not_dissatisfied": Measure(
        f"{_R} đúng hạn và không bị đánh giá Không hài lòng",
        f"{_RE} on time and not rated Không hài lòng",
    ),
    "received_online": Measure(f"{_R} nộp trực tuyến", f"{_RE} online (channel 2)"),
    "received_e_result": Measure(f"{_R} có kết quả điện tử", f"{_RE} with an electronic result"),
    "received_digitized": Measure(f"{_R} có thành phần số hóa", f"{_RE} with digitised components"),
    "received_data_reused": Measure(
        f"{_R} tái sử dụng dữ liệu", f"{_RE} reusing data", ("data_reused",)
    ),
    "received_data_fully_replaced": Measure(
        f"{_R} được thay thế hoàn toàn bằng dữ liệu",
        f"{_RE} whose components were fully replaced by data",
        ("data_fully_replaced",),
    ),
    "received_synced_on_time": Measure(
        f"{_R} đồng bộ lên Cổng DVCQG đúng hạn",
        f"{_RE} synced to the national portal on time",
        ("synced_on_time",),
    ),
    "received_full_online": Measure(
        f"{_R} toàn trình", f"{_RE} handled fully online", ("full_online",)
    ),
    "received_full_online_eligible": Measure(
        f"{_R} của TTHC đủ điều kiện toàn trình",
        f"{_RE} of procedures eligible for full-online service",
    ),
    "received_with_online_service": Measure(
        f"{_R} của TTHC có dịch vụ trực tuyến", f"{_RE} of procedures with an online service"
    ),
    "received_online_with_online_service": Measure(
        f"{_R} nộp trực tuyến, của TTHC có dịch vụ trực tuyến",
        f"{_RE} online, of procedures with an online service",
    ),
    "received_with_fee": Measure(f"{_R} của TTHC có phí", f"{_RE} of procedures with a fee"),
    "received_paid_online": Measure(
        f"{_R} của TTHC có phí, thanh toán trực tuyến",
        f"{_RE} of procedures with a fee, paid online",
    ),
    "financial_obligation": Measure(
        f"{_R} có nghĩa vụ tài chính (TTHC có phí, không được miễn)",
        f"{_RE} with a financial obligation (fee procedure, not exempt)",
        ("fee_exempt",),
    ),
    "paid_online": Measure(
        f"{_R} có nghĩa vụ tài chính, thanh toán trực tuyến",
        f"{_RE} with a financial obligation, paid online",
        ("fee_exempt",),
    ),
    "received_paper_result": Measure(
        f"{_R} của TTHC có kết quả bằng văn bản giấy",
        f"{_RE} of procedures whose result is a paper document",
        ("paper_result",),
    ),
    "received_reuse_allowed": Measure(
        f"{_R} của TTHC cho phép tái sử dụng dữ liệu",
        f"{_RE} of procedures that allow reusing data",
        ("reuse_allowed",),
    ),
    "received_citizen_data_connected": Measure(
        f"{_R} kết nối dữ liệu dân cư",
        f"{_RE} connected to the population database",
        ("citizen_data_connected",),
    ),
    # distinct procedures among the dossiers received in the period
    "online_services_used": Measure(
        "TTHC có dịch vụ trực tuyến có hồ sơ nộp trực tuyến trong kỳ",
        "procedures with an online service that received an online dossier in the period",
    ),
    "fee_procedures_with_dossiers": Measure(
        "TTHC có phí có hồ sơ tiếp nhận trong kỳ",
        "fee procedures that received a dossier in the period",
    ),
    "fee_procedures_paid_online": Measure(
        "TTHC có phí có hồ sơ thanh toán trực tuyến trong kỳ",
        "fee procedures with a dossier paid online in the period",
    ),
    # dossiers finished in the period and open at its end (the 2022 decision's populations)
    "finished": Measure("Hồ sơ kết thúc trong kỳ", "dossiers finished in the period"),
    "finished_with_result": Measure(
        "Hồ sơ kết thúc có kết quả (trạng thái 9, 10)", "finished with a result (status 9, 10)"
    ),
    "finished_e_result": Measure(
        "Hồ sơ kết thúc có kết quả điện tử", "finished with an electronic result"
    ),
    "handled": Measure(
        "Hồ sơ kết thúc trong kỳ và đang giải quyết cuối kỳ",
        "dossiers finished in the period plus those open at its end",
    ),
    "handled_in_time": Measure(
        "Kết thúc đúng hạn và đang giải quyết trong hạn cuối kỳ",
        "finished early or on time, plus open and within the deadline at the period end",
    ),
    "handled_satisfied": Measure(
        "Hồ sơ đã và đang giải quyết, trừ trễ hạn, quá hạn và bị đánh giá Không hài lòng",
        "handled dossiers less those late, overdue or rated Không hài lòng",
    ),
    # citizen feedback (PAKN)
    "feedback_received": Measure("PAKN tiếp nhận trong kỳ", "feedback received in the period"),
    "feedback_on_time": Measure(
        "PAKN tiếp nhận trong kỳ đã xử lý đúng hạn hoặc đang xử lý trong hạn",
        "feedback received in the period, handled on time or still within its deadline",
    ),
    "feedback_satisfied": Measure(
        "PAKN tiếp nhận trong kỳ không bị đánh giá không hài lòng, không khiếu nại lại, không trễ",
        "feedback received in the period not rated dissatisfied, not repeated, not late",
    ),
    "feedback_about_procedures": Measure(
        "PAKN về quy định, TTHC (lĩnh vực khác Thái độ cán bộ)",
        "feedback about procedures (any field but Thái độ cán bộ)",
    ),
    "feedback_about_staff": Measure(
        "PAKN về hành vi của cán bộ (lĩnh vực Thái độ cán bộ)",
        "feedback about staff (field Thái độ cán bộ)",
    ),
    "feedback_handled": Measure("PAKN xử lý xong trong kỳ", "feedback handled in the period"),
    "feedback_handled_on_time": Measure(
        "PAKN xử lý xong trong kỳ, đúng hạn", "feedback handled in the period on time"
    ),
    "feedback_satisfied_at_period_end": Measure(
        "PAKN tiếp nhận trừ không hài lòng, khiếu nại lại và quá hạn cuối kỳ",
        "feedback received less dissatisfied, repeated and overdue at the period end",
    ),
    # the procedure catalogue (announcements of the period; procedures of the unit's level)
    "announced": Measure(
        "Lượt công bố TTHC có ngày quyết định trong kỳ",
        "procedure announcements decided in the period",
    ),
    "announced_with_effective_date": Measure(
        "Lượt công bố trong kỳ có ngày hiệu lực văn bản QPPL",
        "announcements of the period with a legal effective date",
    ),
    "announced_on_time": Measure(
        "Lượt công bố trong kỳ trước ngày hiệu lực ít nhất 5 ngày làm việc",
        "announcements of the period at least 5 working days before the effective date",
    ),
    "announced_complete": Measure(
        "Lượt công bố trong kỳ đầy đủ bộ phận tạo thành",
        "announcements of the period with every component",
    ),
    "announced_year_to_date": Measure(
        "Lượt công bố từ đầu năm đến cuối kỳ", "announcements from the year start to the period end"
    ),
    "announced_year_to_date_complete": Measure(
        "Lượt công bố từ đầu năm đến cuối kỳ đầy đủ bộ phận tạo thành",
        "announcements from the year start to the period end with every component",
    ),
    "publication_due": Measure(
        "Lượt công bố đến hạn công khai trong kỳ hoặc công khai trong kỳ",
        "announcements due for publication in the period or published in it",
    ),
    "published_on_time": Measure(
        "Trong đó công khai trên CSDLQG trong 5 ngày làm việc",
        "of those, published on the national database within 5 working days",
    ),
    "procedures_applicable": Measure(
        "TTHC đang áp dụng ở cấp của đơn vị", "active procedures of the unit's level"
    ),
    "procedures_with_online_service": Measure(
        "TTHC ở cấp của đơn vị có dịch vụ trực tuyến",
        "procedures of the unit's level with an online service",
    ),
    "fee_procedures_applicable": Measure(
        "TTHC có phí ở cấp của đơn vị", "procedures with a fee of the unit's level"
    ),
    "procedures_citizen_data_connected": Measure(
        "TTHC ở cấp của đơn vị kết nối dữ liệu dân cư",
        "procedures of the unit's level connected to the population database",
        ("citizen_data_connected",),
    ),
}


def config_path() -> Path:
    return Path(os.environ.get("DANVAN_INDEX_766_CONFIG") or DEFAULT_CONFIG)


@dataclass(frozen=True)
class Config:
    """The configuration as reference tables (one row per profile × indicator / group / band)."""

    indicators: pl.DataFrame
    groups: pl.DataFrame
    bands: pl.DataFrame
    default_profile: str


class ConfigError(ValueError):
    pass


def load(path: Path | None = None) -> Config:
    """The configuration of `path` (default: DANVAN_INDEX_766_CONFIG, else the project's file);
    ConfigError naming the file, the profile and the indicator when something is wrong."""
    path = path or config_path()
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: cannot be read as YAML: {error}") from error
    return _parse(config, path)


def _failer(path: Path, where: str):
    """A function making the error of `where` in the file at `path`."""
    return lambda message: ConfigError(f"{path}: {where}: {message}")


def _parse(config: dict, path: Path) -> Config:
    if not isinstance(config, dict) or not isinstance(config.get("profiles"), dict):
        raise _failer(path, "top level")("needs a `profiles` mapping")
    switches = config.get("switches") or {}
    award_max = bool(switches.get("not_applicable_award_max", False))
    default = config.get("default_profile")
    if default not in config["profiles"]:
        raise _failer(path, "default_profile")(f"{default!r} is not one of the profiles")
    indicators, groups, bands = [], [], []
    for profile, body in config["profiles"].items():
        fail = _failer(path, profile)
        group_rows = _groups(profile, body.get("groups") or [], fail)
        groups += group_rows
        maxima = {g["group_code"]: g["group_max_points"] for g in group_rows}
        rows = [
            _indicator(profile, number, item, maxima, award_max, fail)
            for number, item in enumerate(body.get("indicators") or [], start=1)
        ]
        codes = [r["indicator_code"] for r in rows]
        if len(set(codes)) != len(codes):
            raise fail("an indicator code appears twice")
        for code, group_max in maxima.items():
            offered = sum(r["max_points"] for r in rows if r["group_code"] == code)
            if offered < group_max:
                raise fail(f"group {code}: its indicators offer {offered:g} of its {group_max:g}")
        indicators += [{**r, "is_default_profile": profile == default} for r in rows]
        bands += _bands(profile, body.get("bands") or [], fail)
    return Config(
        indicators=pl.DataFrame(indicators, schema=INDICATOR_SCHEMA),
        groups=pl.DataFrame(groups, schema=GROUP_SCHEMA),
        bands=pl.DataFrame(bands, schema=BAND_SCHEMA),
        default_profile=default,
    )


GROUP_SCHEMA = {
    "profile": pl.String,
    "group_no": pl.Int32,
    "group_code": pl.String,
    "group_name_vi": pl.String,
    "group_name_en": pl.String,
    "group_max_points": pl.Float64,
}
INDICATOR_SCHEMA = {
    "profile": pl.String,
    "is_default_profile": pl.Boolean,
    "indicator_no": pl.Int32,
    "indicator_code": pl.String,
    "group_code": pl.String,
    "name_vi": pl.String,
    "name_en": pl.String,
    "max_points": pl.Float64,
    "form": pl.String,
    "threshold": pl.Float64,
    "rate_basis": pl.String,
    "numerator": pl.String,
    "denominator": pl.String,
    "zero_points": pl.Float64,  # NULL: a zero denominator leaves it not assessable
    "child_units": pl.String,
    "all_or_nothing": pl.Boolean,
    "scope": pl.String,
    "award_max_when_not_applicable": pl.Boolean,
    "inputs": pl.List(pl.String),
    "unavailable": pl.List(pl.String),
    "portal_code": pl.Boolean,
    "confirmed": pl.Boolean,
    "note": pl.String,
}
BAND_SCHEMA = {
    "profile": pl.String,
    "min_total": pl.Float64,
    "rating": pl.String,
    "confirmed": pl.Boolean,
}


def _groups(profile: str, items: list, fail) -> list[dict]:
    rows = []
    for number, item in enumerate(items, start=1):
        code = item.get("code")
        if code not in GROUP_CODES:
            raise fail(f"group {code!r} is not one of {', '.join(GROUP_CODES)}")
        rows.append(
            {
                "profile": profile,
                "group_no": number,
                "group_code": code,
                "group_name_vi": _text(item, "name_vi", fail),
                "group_name_en": _text(item, "name_en", fail),
                "group_max_points": _number(item, "max", fail, low=0),
            }
        )
    if len({r["group_code"] for r in rows}) != len(rows):
        raise fail("a group code appears twice")
    total = sum(r["group_max_points"] for r in rows)
    if abs(total - 100) > 1e-9:
        raise fail(f"the groups' maxima add up to {total:g}, not 100")
    return rows


def _indicator(profile, number, item, maxima, award_max, fail) -> dict:
    code = _text(item, "code", fail)

    def bad(message: str) -> ConfigError:
        return fail(f"indicator {code}: {message}")

    if item.get("group") not in maxima:
        raise bad(f"group {item.get('group')!r} is not a group of the profile")
    form = _choice(item, "form", FORMS, bad)
    measures = [] if form == "fixed" else [item.get("numerator"), item.get("denominator")]
    for measure in measures:
        if measure not in MEASURES:
            raise bad(f"measure {measure!r} is not one of warehouse/index_766.py MEASURES")
    inputs = sorted({i for m in measures for i in MEASURES[m].inputs})
    zero = item.get("zero_denominator")
    if zero not in (None, 0, "max"):
        raise bad("zero_denominator must be 0 or max (or absent: not assessable)")
    max_points = _number(item, "max", bad, low=0)
    return {
        "profile": profile,
        "indicator_no": number,
        "indicator_code": code,
        "group_code": item["group"],
        "name_vi": _text(item, "name_vi", bad),
        "name_en": _text(item, "name_en", bad),
        "max_points": max_points,
        "form": form,
        "threshold": _number(item, "threshold", bad, low=0, default=1.0, strict=True),
        "rate_basis": _choice(item, "rate_basis", RATE_BASES, bad),
        "numerator": item.get("numerator") if form != "fixed" else None,
        "denominator": item.get("denominator") if form != "fixed" else None,
        "zero_points": None if zero is None else (max_points if zero == "max" else 0.0),
        "child_units": _choice(item, "child_units", CHILD_UNITS, bad),
        "all_or_nothing": bool(item.get("all_or_nothing", False)),
        "scope": _choice(item, "scope", SCOPES, bad),
        "award_max_when_not_applicable": award_max and item.get("scope") == "province",
        "inputs": [i for i in inputs if i in OPTIONAL_INPUTS],
        "unavailable": [i for i in inputs if i in UNAVAILABLE],
        "portal_code": bool(item.get("portal_code", True)),
        "confirmed": bool(item.get("confirmed", False)),
        "note": item.get("note"),
    }


def _bands(profile: str, items: list, fail) -> list[dict]:
    rows = [
        {
            "profile": profile,
            "min_total": _number(b, "min", fail),
            "rating": _text(b, "label", fail),
            "confirmed": bool(b.get("confirmed", False)),
        }
        for b in items
    ]
    if not rows or min(r["min_total"] for r in rows) > 0:
        raise fail("bands must include one from 0, so every total has a rating")
    return rows


def _text(item: dict, key: str, fail) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise fail(f"`{key}` must be a non-empty text")
    return value


def _number(item, key, fail, low=None, default=None, strict=False) -> float:
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(f"`{key}` must be a number")
    if low is not None and (value <= low if strict else value < low):
        raise fail(f"`{key}` must be {'>' if strict else '≥'} {low}")
    return float(value)


def _choice(item: dict, key: str, allowed: tuple[str, ...], fail) -> str:
    value = item.get(key, allowed[0])
    if value not in allowed:
        raise fail(f"`{key}` must be one of {', '.join(allowed)}")
    return value


def published_groups(con, profile: str | None = None) -> list[tuple[str, str, str, float]]:
    """(code, Vietnamese name, English name, maximum) of each group of `profile` (default: the
    default profile) as the warehouse on `con` was built with them, in their order."""
    rows = con.execute(
        "select distinct group_no, group_code, group_name_vi, group_name_en, group_max_points "
        "from dim_service_index_766_indicator "
        "where coalesce(profile = ?, is_default_profile) order by group_no",
        [profile],
    ).fetchall()
    return [row[1:] for row in rows]


def scoring_macros() -> str:
    """The SQL macros that turn counts into points, as the detail table's SQL defines them:
    tests score the portal's published counts with exactly these."""
    sql = DETAIL_SQL.read_text(encoding="utf-8")
    return "\n".join(re.findall(r"^create or replace temp macro .*?;$", sql, re.S | re.M))
