-- INDICATORS.md §F: the yearly headline figures, one row per (year, indicator_code).
-- Dossier counts follow §A for the calendar year; `_provincial_centre` = level province only.
create or replace table mart_province_scorecard as
with years as (
    select distinct cast(left(period, 4) as bigint) as year from mart_dossier_monthly
    where received > 0 or finished > 0
    union
    select distinct year(snapshot_date) from procedure_snapshot
    union
    select distinct year from fact_engagement_event
    union
    select distinct year from fact_welfare_activity
    union
    select distinct year(handled_at) from fact_feedback where is_handled
    union
    select distinct register_year from fact_mobilization_model
),
scopes(suffix, scope_level, scope_vi, scope_en) as (
    values
        ('', null, '', ''),
        ('_provincial_centre', 'province', ' (Trung tâm PVHCC tỉnh)', ' (provincial centre)')
),
dossier_year as (
    -- from the monthly mart (§A counts by receipt and by finishing month): its 12k rows give
    -- the same sums as the 10M facts
    select
        y.year,
        s.suffix,
        s.scope_vi,
        s.scope_en,
        cast(coalesce(sum(m.received) filter (m.year = y.year), 0) as bigint) as received,
        cast(coalesce(sum(m.received_online) filter (m.year = y.year), 0) as bigint)
            as received_online,
        cast(coalesce(sum(m.finished) filter (m.year = y.year), 0) as bigint) as finished,
        cast(coalesce(sum(m.finished_early + m.finished_on_time) filter (m.year = y.year), 0)
            as bigint) as finished_on_time,
        cast(coalesce(sum(m.finished_late) filter (m.year = y.year), 0) as bigint) as late
    from years y
    cross join scopes s
    join (select *, cast(left(period, 4) as bigint) as year from mart_dossier_monthly) m
        on s.scope_level is null or m.level = s.scope_level
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
engagement as (
    select year, dialogues_held, periodic_receptions_held, periodic_receptions_scheduled,
        periodic_reception_days_held, periodic_reception_norm_days
    from mart_engagement_yearly
    where grain = 'province'
),
welfare as (
    select
        year,
        coalesce(sum(quantity) filter (support_type = 'Tặng quà'), 0) as gifts,
        coalesce(sum(quantity) filter (support_type = 'Học bổng'), 0) as scholarships,
        coalesce(sum(quantity) filter (support_type = 'Xây mới nhà'), 0) as houses_built,
        coalesce(sum(quantity) filter (support_type = 'Sửa chữa nhà'), 0) as houses_repaired,
        sum(value_vnd) as value_vnd
    from fact_welfare_activity
    group by year
),
feedback as (
    select year(handled_at) as year, count(*) as handled,
        count(*) filter (handled_on_time) as handled_on_time
    from fact_feedback
    where is_handled
    group by 1
),
models as (
    select register_year as year, count(*) as registered,
        count(*) filter (is_recognised) as recognised
    from fact_mobilization_model
    group by 1
),
service_index as (
    select cast(period as integer) as year,
        case unit_type when 'province' then '' else '_provincial_centre' end as suffix,
        total, points_assessable, total_normalised
    from mart_service_index_766
    where period_type = 'year' and unit_type in ('province', 'provincial_centre')
        and profile = (
            select any_value(profile) from dim_service_index_766_indicator where is_default_profile
        )
),
indicators as (
    select year, 'dossiers_received' || suffix as indicator_code, received::double as value,
        null::double as numerator, null::double as denominator, 'hồ sơ' as unit,
        'Số hồ sơ tiếp nhận' || scope_vi as name_vi, 'Dossiers received' || scope_en as name_en,
        'dossiers' as source
    from dossier_year
    union all
    select year, 'dossiers_received_online' || suffix, received_online, null, null, 'hồ sơ',
        'Số hồ sơ tiếp nhận trực tuyến' || scope_vi, 'Dossiers received online' || scope_en,
        'dossiers' as source
    from dossier_year
    union all
    select year, 'dossiers_received_online_share' || suffix,
        received_online / nullif(received, 0), received_online, received, 'tỷ lệ',
        'Tỷ lệ hồ sơ trực tuyến' || scope_vi, 'Online share of dossiers received' || scope_en,
        'dossiers' as source
    from dossier_year
    union all
    select year, 'dossiers_finished' || suffix, finished, null, null, 'hồ sơ',
        'Số hồ sơ đã giải quyết (kể cả năm trước chuyển sang)' || scope_vi,
        'Dossiers finished (incl. carried over)' || scope_en,
        'dossiers' as source
    from dossier_year
    union all
    select year, 'dossiers_on_time_rate' || suffix, finished_on_time / nullif(finished, 0),
        finished_on_time, finished, 'tỷ lệ',
        'Tỷ lệ hồ sơ giải quyết đúng hạn' || scope_vi,
        'On-time rate of finished dossiers' || scope_en,
        'dossiers' as source
    from dossier_year
    union all
    select year, 'dossiers_late' || suffix, late, null, null, 'hồ sơ',
        'Số hồ sơ giải quyết trễ hạn' || scope_vi, 'Dossiers finished late' || scope_en,
        'dossiers' as source
    from dossier_year
    union all
    select year, 'procedures_active', active, null, null, 'thủ tục',
        'Số TTHC đang áp dụng (bản chụp cuối năm)', 'Active procedures (last snapshot of the year)',
        'procedures' as source
    from publication
    union all
    select year, 'procedures_published_share', published / nullif(active, 0), published, active,
        'tỷ lệ', 'Tỷ lệ TTHC công khai trên CSDLQG', 'Share of procedures published nationally',
        'procedures' as source
    from publication
    union all
    select year, 'dialogues_held', dialogues_held, null, null, 'cuộc',
        'Số cuộc đối thoại với Nhân dân', 'Dialogues with citizens held',
        'engagement' as source
    from engagement
    union all
    select year, 'periodic_receptions_scheduled', periodic_receptions_scheduled, null, null, 'buổi',
        'Số buổi tiếp dân định kỳ của Bí thư theo kế hoạch',
        'Periodic receptions by Party secretaries, scheduled',
        'engagement' as source
    from engagement
    union all
    select year, 'periodic_receptions_held', periodic_receptions_held, null, null, 'buổi',
        'Số buổi tiếp dân định kỳ của Bí thư đã thực hiện',
        'Periodic receptions by Party secretaries, held',
        'engagement' as source
    from engagement
    union all
    select year, 'periodic_reception_rate',
        periodic_receptions_held / nullif(periodic_receptions_scheduled, 0),
        periodic_receptions_held, periodic_receptions_scheduled, 'tỷ lệ',
        'Tỷ lệ tiếp dân định kỳ đã thực hiện', 'Share of scheduled periodic receptions held',
        'engagement' as source
    from engagement
    union all
    -- Quy định 11-QĐi/TW: every unit's norm, also of units that held none (docs/calendar.md)
    select year, 'periodic_reception_norm_share',
        periodic_reception_days_held / nullif(periodic_reception_norm_days, 0),
        periodic_reception_days_held, periodic_reception_norm_days, 'tỷ lệ',
        'Số ngày Bí thư cấp ủy tiếp dân định kỳ ÷ số ngày theo định mức QĐ 11-QĐi/TW',
        'Days of periodic receptions by Party secretaries ÷ days the norm of Regulation 11 requires',
        'engagement' as source
    from engagement
    union all
    select year, 'gifts_given', gifts, null, null, 'suất', 'Số suất quà tặng', 'Gifts given',
        'welfare' as source
    from welfare
    union all
    select year, 'scholarships_given', scholarships, null, null, 'suất', 'Số suất học bổng',
        'Scholarships given',
        'welfare' as source
    from welfare
    union all
    select year, 'houses_built', houses_built, null, null, 'căn', 'Số nhà xây mới', 'Houses built',
        'welfare' as source
    from welfare
    union all
    select year, 'houses_repaired', houses_repaired, null, null, 'căn', 'Số nhà sửa chữa',
        'Houses repaired',
        'welfare' as source
    from welfare
    union all
    select year, 'houses_built_or_repaired', houses_built + houses_repaired, null, null, 'căn',
        'Số nhà xây mới và sửa chữa', 'Houses built or repaired',
        'welfare' as source
    from welfare
    union all
    select year, 'welfare_value_vnd', value_vnd, null, null, 'đồng',
        'Tổng giá trị an sinh xã hội', 'Total value of welfare support',
        'welfare' as source
    from welfare
    union all
    select year, 'feedback_handled_on_time_share', handled_on_time / nullif(handled, 0),
        handled_on_time, handled, 'tỷ lệ', 'Tỷ lệ PAKN xử lý đúng hạn',
        'Share of citizen feedback handled on time',
        'feedback' as source
    from feedback
    union all
    select year, 'models_registered', registered, null, null, 'mô hình',
        'Số mô hình “Dân vận khéo” đăng ký', 'Mass-mobilisation models registered',
        'models' as source
    from models
    union all
    select year, 'models_recognised', recognised, null, null, 'mô hình',
        'Số mô hình được công nhận, nhân rộng', 'Models recognised or spread',
        'models' as source
    from models
    union all
    -- on the portal's 100-point scale (points of the assessable indicators), as its bands
    -- (rating in mart_service_index_766) read it; the points scored beside it
    select year, 'service_index_766' || suffix, total_normalised, total, points_assessable, 'điểm',
        'Chỉ số phục vụ (QĐ 766), điểm quy về thang 100'
            || case suffix when '' then '' else ' (Trung tâm PVHCC tỉnh)' end,
        'Decision 766 service index, on a 100-point scale'
            || case suffix when '' then '' else ' (provincial centre)' end,
        'dossiers' as source
    from service_index
)
select
    i.year, i.indicator_code, i.value, i.numerator, i.denominator, i.unit, i.name_vi, i.name_en,
    i.source,
    coalesce(c.months_covered, 0) as months_covered,
    coalesce(c.is_complete, false) as is_complete
from indicators i
left join mart_source_coverage c using (year, source)
order by i.year, i.indicator_code;

comment on table mart_province_scorecard is 'Bảng chỉ tiêu năm của tỉnh (INDICATORS §F) — yearly province scorecard in long form';
comment on column mart_province_scorecard.year is 'Năm — year';
comment on column mart_province_scorecard.indicator_code is 'Mã chỉ tiêu (hậu tố _provincial_centre = chỉ Trung tâm PVHCC tỉnh) — indicator code';
comment on column mart_province_scorecard.value is 'Giá trị (tỷ lệ trong [0, 1]) — value (rates as fractions)';
comment on column mart_province_scorecard.numerator is 'Tử số của tỷ lệ — numerator, for rates';
comment on column mart_province_scorecard.denominator is 'Mẫu số của tỷ lệ — denominator, for rates';
comment on column mart_province_scorecard.unit is 'Đơn vị tính — unit';
comment on column mart_province_scorecard.name_vi is 'Tên chỉ tiêu (tiếng Việt) — Vietnamese name';
comment on column mart_province_scorecard.name_en is 'Tên chỉ tiêu (tiếng Anh) — English name';
comment on column mart_province_scorecard.source is 'Nguồn dữ liệu của chỉ tiêu (mart_source_coverage) — the source the figure is computed from';
comment on column mart_province_scorecard.months_covered is 'Số tháng của năm có dữ liệu nguồn — months of the year the source covers';
comment on column mart_province_scorecard.is_complete is 'Nguồn đủ cả năm; false: số liệu một phần năm, không so sánh như năm đủ — the source covers the whole year; false: a partial year, not comparable with a full one';
