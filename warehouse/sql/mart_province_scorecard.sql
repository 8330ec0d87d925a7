-- INDICATORS.md §F: the yearly headline figures, one row per (year, indicator_code).
-- Dossier counts follow §A for the calendar year; `_provincial_centre` = level Tỉnh only.
create or replace table mart_province_scorecard as
with years as (
    select distinct year(received_at) as year from fact_dossier where is_received
    union
    select distinct year(finished_at) from fact_dossier where is_finished
    union
    select distinct year(snapshot_date) from procedure_snapshot
),
scopes(suffix, scope_level, scope_vi) as (
    values ('', null, ''), ('_provincial_centre', 'Tỉnh', ' (Trung tâm PVHCC tỉnh)')
),
dossier_year as (
    select
        y.year,
        s.suffix,
        s.scope_vi,
        count(*) filter (f.is_received and year(f.received_at) = y.year) as received,
        count(*) filter (f.is_received and year(f.received_at) = y.year and f.channel = 2)
            as received_online,
        count(*) filter (f.is_finished and year(f.finished_at) = y.year) as finished,
        count(*) filter (
            f.is_finished and year(f.finished_at) = y.year and f.timeliness in ('early', 'on_time')
        ) as finished_on_time,
        count(*) filter (f.is_finished and year(f.finished_at) = y.year and f.timeliness = 'late')
            as late
    from years y
    cross join scopes s
    join fact_dossier f on s.scope_level is null or f.level = s.scope_level
    group by all
),
latest_snapshot as (
    select year(snapshot_date) as year, max(snapshot_date) as snapshot_date
    from procedure_snapshot
    group by 1
),
publication as (
    select l.year, m.active, m.published
    from latest_snapshot l
    join mart_procedure_publication m using (snapshot_date)
),
indicators as (
    select year, 'dossiers_received' || suffix as indicator_code, received::double as value,
        null::double as numerator, null::double as denominator, 'hồ sơ' as unit,
        'Số hồ sơ tiếp nhận' || scope_vi as name_vi, 'Dossiers received' as name_en
    from dossier_year
    union all
    select year, 'dossiers_received_online' || suffix, received_online, null, null, 'hồ sơ',
        'Số hồ sơ tiếp nhận trực tuyến' || scope_vi, 'Dossiers received online'
    from dossier_year
    union all
    select year, 'dossiers_received_online_share' || suffix,
        received_online / nullif(received, 0), received_online, received, 'tỷ lệ',
        'Tỷ lệ hồ sơ trực tuyến' || scope_vi, 'Online share of dossiers received'
    from dossier_year
    union all
    select year, 'dossiers_finished' || suffix, finished, null, null, 'hồ sơ',
        'Số hồ sơ đã giải quyết (kể cả năm trước chuyển sang)' || scope_vi,
        'Dossiers finished (incl. carried over)'
    from dossier_year
    union all
    select year, 'dossiers_on_time_rate' || suffix, finished_on_time / nullif(finished, 0),
        finished_on_time, finished, 'tỷ lệ',
        'Tỷ lệ hồ sơ giải quyết đúng hạn' || scope_vi, 'On-time rate of finished dossiers'
    from dossier_year
    union all
    select year, 'dossiers_late' || suffix, late, null, null, 'hồ sơ',
        'Số hồ sơ giải quyết trễ hạn' || scope_vi, 'Dossiers finished late'
    from dossier_year
    union all
    select year, 'procedures_active', active, null, null, 'thủ tục',
        'Số TTHC đang áp dụng (bản chụp cuối năm)', 'Active procedures (last snapshot of the year)'
    from publication
    union all
    select year, 'procedures_published_share', published / nullif(active, 0), published, active,
        'tỷ lệ', 'Tỷ lệ TTHC công khai trên CSDLQG', 'Share of procedures published nationally'
    from publication
)
select year, indicator_code, value, numerator, denominator, unit, name_vi, name_en
from indicators
order by year, indicator_code;

comment on table mart_province_scorecard is 'Bảng chỉ tiêu năm của tỉnh (INDICATORS §F) — yearly province scorecard in long form';
comment on column mart_province_scorecard.year is 'Năm — year';
comment on column mart_province_scorecard.indicator_code is 'Mã chỉ tiêu (hậu tố _provincial_centre = chỉ Trung tâm PVHCC tỉnh) — indicator code';
comment on column mart_province_scorecard.value is 'Giá trị (tỷ lệ trong [0, 1]) — value (rates as fractions)';
comment on column mart_province_scorecard.numerator is 'Tử số của tỷ lệ — numerator, for rates';
comment on column mart_province_scorecard.denominator is 'Mẫu số của tỷ lệ — denominator, for rates';
comment on column mart_province_scorecard.unit is 'Đơn vị tính — unit';
comment on column mart_province_scorecard.name_vi is 'Tên chỉ tiêu (tiếng Việt) — Vietnamese name';
comment on column mart_province_scorecard.name_en is 'Tên chỉ tiêu (tiếng Anh) — English name';
