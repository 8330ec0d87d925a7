-- INDICATORS.md §C, one row per (period, unit, sub-indicator). Units: the whole province,
-- the provincial centre (level Tỉnh), each district's and each commune's own one-stop section
-- (dossiers of that level and unit; feedback of the agencies located there), each agency.
-- Flows (received, finished…) add up over the months of a quarter or year; stocks (in
-- progress, overdue) are taken at the period's last month. Catalogue rates are provincial:
-- every unit gets those of the latest snapshot on or before the period's end.
create or replace table mart_service_index_766_detail as
with dossier_units as (
    select 'province' as unit_type, (select province_code from ref_scope) as unit_code, * from mart_dossier_monthly
    union all by name
    select 'provincial_centre' as unit_type, (select province_code from ref_scope) as unit_code, * from mart_dossier_monthly where level = 'province'
    union all by name
    select 'district' as unit_type, admin_unit_code as unit_code, * from mart_dossier_monthly where level = 'district'
    union all by name
    select 'commune' as unit_type, admin_unit_code as unit_code, * from mart_dossier_monthly where level = 'commune'
    union all by name
    select 'agency' as unit_type, agency_code as unit_code, * from mart_dossier_monthly
),
feedback_agency as (
    select f.*, a.level as agency_level, a.admin_unit_code as agency_unit
    from mart_feedback_monthly f
    left join dim_agency a using (agency_code)
),
feedback_units as (
    select 'province' as unit_type, (select province_code from ref_scope) as unit_code, * from feedback_agency
    union all by name
    select 'provincial_centre' as unit_type, (select province_code from ref_scope) as unit_code, * from feedback_agency where agency_level = 'Tỉnh'
    union all by name
    select 'district' as unit_type, agency_unit as unit_code, * from feedback_agency where agency_level = 'Huyện'
    union all by name
    select 'commune' as unit_type, agency_unit as unit_code, * from feedback_agency where agency_level = 'Xã'
    union all by name
    select 'agency' as unit_type, agency_code as unit_code, * from feedback_agency
),
months as (
    select distinct period as month from mart_dossier_monthly
    union
    select distinct period from mart_feedback_monthly
),
periods as (
    select 'month' as period_type, month as period, month from months
    union all
    select 'quarter', left(month, 4) || '-Q' || ((cast(right(month, 2) as integer) + 2) // 3), month
    from months
    union all
    select 'year', left(month, 4), month from months
),
period_bounds as (
    select
        period_type,
        period,
        max(month) as last_month,
        case period_type
            when 'month' then last_day(cast(period || '-01' as date))
            when 'quarter' then last_day(make_date(
                cast(left(period, 4) as integer), cast(right(period, 1) as integer) * 3, 1))
            else make_date(cast(period as integer), 12, 31)
        end as period_end
    from periods
    group by all
),
dossier_totals as (
    select
        u.unit_type, u.unit_code, p.period_type, p.period,
        sum(received) as received,
        sum(received_online) as received_online,
        sum(finished) as finished,
        sum(finished_early + finished_on_time) as finished_in_time,
        sum(finished_late) as finished_late,
        sum(in_progress) filter (u.period = b.last_month) as in_progress,
        sum(in_progress_overdue) filter (u.period = b.last_month) as in_progress_overdue,
        sum(received_digitized) as received_digitized,
        sum(finished_with_result) as finished_with_result,
        sum(e_results) as e_results,
        sum(received_with_fee) as received_with_fee,
        sum(paid_online) as paid_online,
        sum(rated_not_satisfied) as rated_not_satisfied
    from dossier_units u
    join periods p on p.month = u.period
    join period_bounds b on b.period_type = p.period_type and b.period = p.period
    group by all
),
feedback_totals as (
    select
        u.unit_type, u.unit_code, p.period_type, p.period,
        sum(received) as fb_received,
        sum(handled) as fb_handled,
        sum(handled_on_time) as fb_handled_on_time,
        sum(not_satisfied) + sum(repeat_complaints) as fb_unhappy,
        sum(overdue_open) filter (u.period = b.last_month) as fb_overdue
    from feedback_units u
    join periods p on p.month = u.period
    join period_bounds b on b.period_type = p.period_type and b.period = p.period
    group by all
),
units as (
    select unit_type, unit_code, period_type, period from dossier_totals
    union
    select unit_type, unit_code, period_type, period from feedback_totals
),
catalogue as (
    select b.period_type, b.period, m.*
    from period_bounds b
    join mart_procedure_publication m on m.snapshot_date <= b.period_end
    qualify row_number() over (
        partition by b.period_type, b.period order by m.snapshot_date desc
    ) = 1
),
measures as (
    select
        u.*,
        coalesce(d.in_progress, 0) as open_now,
        coalesce(d.in_progress_overdue, 0) as overdue_now,
        d.*  exclude (unit_type, unit_code, period_type, period, in_progress, in_progress_overdue),
        f.* exclude (unit_type, unit_code, period_type, period),
        c.* exclude (period_type, period)
    from units u
    left join dossier_totals d using (unit_type, unit_code, period_type, period)
    left join feedback_totals f using (unit_type, unit_code, period_type, period)
    left join catalogue c using (period_type, period)
),
ratios as (
    select unit_type, unit_code, period_type, period, indicator_code, numerator, denominator
    from measures,
    lateral (
        select * from (values
            ('decision_on_time_share', decision_on_time::double, with_effective_date::double),
            ('published_on_time_share', published_on_time, published),
            ('complete_share', complete, active),
            ('dossier_sync_share', received, received),
            ('rate_766_progress', finished_in_time + open_now - overdue_now, finished + open_now),
            ('input_digitization_rate', received_digitized, received),
            ('e_result_rate', e_results, finished_with_result),
            ('procedures_online_share', with_online_service, active),
            ('online_used_share', online_used, with_online_service),
            ('dossiers_online_share', received_online, received),
            ('online_payment_rate', paid_online, received_with_fee),
            ('feedback_handled_on_time_share', fb_handled_on_time, fb_handled),
            ('feedback_satisfaction',
                greatest(fb_received - fb_unhappy - coalesce(fb_overdue, 0), 0), fb_received),
            ('satisfaction_766',
                greatest(finished + open_now - finished_late - overdue_now - rated_not_satisfied, 0),
                finished + open_now)
        ) v(indicator_code, numerator, denominator)
    )
)
select
    r.period_type,
    r.period,
    r.unit_type,
    r.unit_code,
    i.group_no,
    r.indicator_code,
    i.name_vi,
    i.name_en,
    r.numerator,
    r.denominator,
    r.numerator / nullif(r.denominator, 0) as rate,
    i.threshold,
    i.points_max,
    -- least() skips NULLs: a rate that cannot be computed must not earn the full points
    case when nullif(r.denominator, 0) is not null
        then least(r.numerator / r.denominator / i.threshold, 1) * i.points_max
    end as points,
    i.confirmed
from ratios r
join ref_766_indicators i using (indicator_code)
order by period_type, period, unit_type, unit_code, group_no, indicator_code;

comment on table mart_service_index_766_detail is 'Chỉ số phục vụ QĐ 766 — từng chỉ tiêu thành phần theo đơn vị và kỳ — Decision 766 sub-indicators per unit and period (weights in warehouse/service_index_766.yaml)';
comment on column mart_service_index_766_detail.period_type is 'Loại kỳ: month / quarter / year — period type';
comment on column mart_service_index_766_detail.period is 'Kỳ (yyyy-MM, yyyy-Qn, yyyy) — period';
comment on column mart_service_index_766_detail.unit_type is 'province / provincial_centre / district / commune / agency — unit type';
comment on column mart_service_index_766_detail.unit_code is 'Mã đơn vị (mã ĐVHC hoặc mã cơ quan) — unit code';
comment on column mart_service_index_766_detail.group_no is 'Nhóm chỉ tiêu 1–5 — group';
comment on column mart_service_index_766_detail.indicator_code is 'Mã chỉ tiêu thành phần — sub-indicator code';
comment on column mart_service_index_766_detail.name_vi is 'Tên chỉ tiêu (tiếng Việt) — Vietnamese name';
comment on column mart_service_index_766_detail.name_en is 'Tên chỉ tiêu (tiếng Anh) — English name';
comment on column mart_service_index_766_detail.numerator is 'Tử số — numerator';
comment on column mart_service_index_766_detail.denominator is 'Mẫu số — denominator';
comment on column mart_service_index_766_detail.rate is 'Tỷ lệ = tử số ÷ mẫu số (NULL khi mẫu số bằng 0) — rate, NULL for a zero denominator';
comment on column mart_service_index_766_detail.threshold is 'Ngưỡng đạt điểm tối đa — rate that earns the full points';
comment on column mart_service_index_766_detail.points_max is 'Điểm tối đa — maximum points';
comment on column mart_service_index_766_detail.points is 'Điểm = min(tỷ lệ ÷ ngưỡng, 1) × điểm tối đa (NULL khi không đánh giá được) — points';
comment on column mart_service_index_766_detail.confirmed is 'Trọng số đã được xác nhận công khai — weight publicly confirmed';
