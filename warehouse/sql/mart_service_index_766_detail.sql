-- The 766 index, indicator by indicator (docs/indicators.md §C): every indicator of both
-- profiles of dim_service_index_766_indicator for every unit present in a period.
--
-- Units: the province (the old province before the reform of 2025-07-01, the new one from
-- then), its Public Administration Service Centre (dossiers of level Tỉnh), each provincial
-- agency, each commune and, for periods ending before the reform, each district. A period that
-- ends after the reform (every one from 2025-07, and the year 2025) keys communes by their new
-- code, so the year 2025 of a new commune adds up the rows of all its old communes.
-- Measures are counts per unit and period; an indicator divides two of them and scores the
-- rate as the portal does (the macros below).

-- The portal's rounding, JavaScript's toFixed(2): half up on the double's exact binary value
-- (5.925 is stored as 5.92499… and gives 5.92; 0.625 is exact and gives 0.63). x · 2^80 is an
-- exact integer for every x ≥ 2^-28, so the half-up division is exact in HUGEINT.
create or replace temp macro portal_round2(x) as
    cast((200 * cast(x * pow(2, 80) as hugeint) + (1::hugeint << 80)) // (1::hugeint << 81)
        as double) / 100;

-- Points of a linear indicator from its counts, in the portal's order of double operations;
-- `percent` first rounds the rate to the 2-decimal percentage the portal shows.
create or replace temp macro points_766(max_points, threshold, rate_basis, n, d) as
    least(max_points, case rate_basis
        when 'percent' then max_points * portal_round2(100 * n::double / d) / 100 / threshold
        else max_points * n::double / d / threshold
    end);

-- How an indicator's points are given; `assessable` is false when an input is absent from the
-- exports or a count is unknown (no catalogue snapshot).
create or replace temp macro status_766(form, max_points, zero_points, not_applicable, assessable, d) as
    case
        when form = 'fixed' then 'fixed'
        when not_applicable then 'not_applicable'
        when not assessable then 'not_assessable'
        when max_points = 0 then 'not_scored'
        when d = 0 and zero_points is null then 'not_assessable'
        when d = 0 then 'zero_denominator'
        else 'scored'
    end;

create or replace temp macro points_exact_766(
    status, max_points, threshold, rate_basis, zero_points, all_or_nothing, n, d
) as
    case status
        when 'fixed' then max_points
        when 'not_applicable' then max_points
        when 'zero_denominator' then zero_points
        when 'scored' then points_766(
            max_points, threshold, rate_basis, if(all_or_nothing and n < d, 0, n), d)
    end;

create or replace table mart_service_index_766_detail as
with reform as (
    -- the day the current province began (2025-07-01 for Lâm Đồng), and its code
    select reform_date as day, province_code from ref_scope
),
old_codes as (
    -- a unit code of before the reform: its province then and the unit in force today its
    -- territory belongs to (no code moved between provinces then; the new communes reuse old
    -- codes, which is why the reform date tells them apart)
    select u.code, any_value(u.province_code) as province_code,
        any_value(u.unit_code_2025) as unit_code_2025
    from dim_admin_unit u, reform r
    where u.valid_from < r.day
    group by u.code
),
agencies as (
    -- levels as dim_level names them, whichever vocabulary the agency list uses
    select a.agency_code, coalesce(l.level, a.level) as level_class, a.admin_unit_code,
        a.valid_from, a.valid_to
    from dim_agency a
    left join dim_level l on l.level_vi = a.level
),
months as (
    -- the months the exports cover (not those where 2024's open dossiers merely linger)
    select distinct cast(period || '-01' as date) as month from fact_dossier
    union
    select distinct cast(period || '-01' as date) from fact_feedback
),
periods as (
    select 'month' as period_type, strftime(month, '%Y-%m') as period, month,
        month as period_start, last_day(month) as period_end
    from months
    union all
    select 'quarter', strftime(month, '%Y') || '-Q' || quarter(month), month,
        cast(date_trunc('quarter', month) as date),
        last_day(cast(date_trunc('quarter', month) as date) + interval 2 month)
    from months
    union all
    select 'year', strftime(month, '%Y'), month, cast(date_trunc('year', month) as date),
        make_date(year(month), 12, 31)
    from months
),
period_months as (
    select
        p.*,
        p.period_end >= r.day as after_reform,
        p.month = max(p.month) over (partition by p.period_type, p.period) as is_last_month
    from periods p, reform r
),
period_bounds as (
    select distinct period_type, period, period_start, period_end, after_reform
    from period_months
),

-- Dossiers received in the period (the portal's population), by receipt month and unit; a
-- count of rows lacking an optional column tells that column was not exported.
received_rows as (
    select
        f.*,
        cast(date_trunc('month', f.received_at) as date) as month,
        f.received_at >= (select day from reform) as after_reform,
        f.level as level_class,
        p.full_online_eligible as procedure_full_online_eligible
    from fact_dossier f
    left join dim_procedure p using (procedure_code)
    where f.is_received
),
received_cells as (
    select
        month, after_reform, level_class, agency_code, admin_unit_code, unit_code_2025,
        count(*) as received,
        count(*) filter (timeliness not in ('late', 'overdue')) as received_on_time,
        count(*) filter (
            timeliness not in ('late', 'overdue') and rating is distinct from 'Không hài lòng'
        ) as received_on_time_not_dissatisfied,
        count(*) filter (channel = 2) as received_online,
        count(*) filter (e_result) as received_e_result,
        count(*) filter (inputs_digitized) as received_digitized,
        count(*) filter (data_reused) as received_data_reused,
        count(*) filter (data_fully_replaced) as received_data_fully_replaced,
        count(*) filter (synced_on_time) as received_synced_on_time,
        count(*) filter (full_online) as received_full_online,
        count(*) filter (procedure_full_online_eligible) as received_full_online_eligible,
        count(*) filter (procedure_has_online_service) as received_with_online_service,
        count(*) filter (procedure_has_online_service and channel = 2)
            as received_online_with_online_service,
        count(*) filter (procedure_has_fee) as received_with_fee,
        count(*) filter (procedure_has_fee and online_payment in (1, 2)) as received_paid_online,
        count(*) filter (procedure_has_fee and not fee_exempt) as financial_obligation,
        count(*) filter (procedure_has_fee and not fee_exempt and online_payment in (1, 2))
            as paid_online,
        count(*) filter (procedure_paper_result) as received_paper_result,
        count(*) filter (procedure_reuse_allowed) as received_reuse_allowed,
        count(*) filter (full_online is null) as missing_full_online,
        count(*) filter (synced_on_time is null) as missing_synced_on_time,
        count(*) filter (procedure_has_fee and fee_exempt is null) as missing_fee_exempt,
        count(*) filter (data_reused is null) as missing_data_reused,
        count(*) filter (data_fully_replaced is null) as missing_data_fully_replaced,
        count(*) filter (procedure_paper_result is null) as missing_paper_result,
        count(*) filter (procedure_reuse_allowed is null) as missing_reuse_allowed
    from received_rows
    group by all
),
-- the procedures each cell received: for the counts of distinct procedures
received_procedures as (
    select
        month, after_reform, level_class, agency_code, admin_unit_code, unit_code_2025,
        procedure_code,
        bool_or(procedure_has_online_service and channel = 2) as used_online,
        bool_or(procedure_has_fee) as with_fee,
        bool_or(procedure_has_fee and online_payment in (1, 2)) as fee_paid_online
    from received_rows
    where procedure_has_fee or (procedure_has_online_service and channel = 2)
    group by all
),
-- dossiers finished in a month and open at its end (the 2022 decision's populations)
flow_cells as (
    select
        cast(m.period || '-01' as date) as month,
        cast(m.period || '-01' as date) >= (select day from reform) as after_reform,
        m.level as level_class,
        m.agency_code,
        m.admin_unit_code,
        m.unit_code_2025,
        sum(m.finished) as finished,
        sum(m.finished_early + m.finished_on_time) as finished_in_time,
        sum(m.finished_late) as finished_late,
        sum(m.finished_with_result) as finished_with_result,
        sum(m.e_results) as finished_e_result,
        sum(m.rated_not_satisfied) as finished_dissatisfied,
        sum(m.in_progress) as open_at_end,
        sum(m.in_progress_overdue) as open_overdue_at_end
    from mart_dossier_monthly m
    group by all
),
-- citizen feedback received in the period, by the handling agency
feedback_cells as (
    select
        cast(date_trunc('month', f.received_at) as date) as month,
        f.received_at >= (select day from reform) as after_reform,
        f.agency_code,
        f.admin_unit_code,
        count(*) as feedback_received,
        count(*) filter (f.handled_on_time or (not f.is_handled and f.exported_at <= f.due_at))
            as feedback_on_time,
        count(*) filter (not (
            f.reaction is not distinct from 'Không hài lòng'
            or coalesce(f.repeat_complaint, false)
            or (f.is_handled and not f.handled_on_time)
            or (not f.is_handled and f.exported_at > f.due_at)
        )) as feedback_satisfied,
        count(*) filter (f.field is distinct from 'Thái độ cán bộ') as feedback_about_procedures,
        count(*) filter (f.field = 'Thái độ cán bộ') as feedback_about_staff
    from fact_feedback f
    group by all
),
feedback_flow_cells as (
    select
        cast(m.period || '-01' as date) as month,
        cast(m.period || '-01' as date) >= (select day from reform) as after_reform,
        m.agency_code,
        null::varchar as admin_unit_code,
        sum(m.handled) as feedback_handled,
        sum(m.handled_on_time) as feedback_handled_on_time,
        sum(m.received) as feedback_received_2022,
        sum(m.not_satisfied + m.repeat_complaints) as feedback_unhappy,
        sum(m.overdue_open) as feedback_overdue_at_end
    from mart_feedback_monthly m
    group by all
),

-- Each cell counts for a unit of each type: `before` is its code in a period that ends before
-- the reform, `after` in one that ends after it (the province then is the new one, and a
-- commune is the unit in force today its territory belongs to, `unit_code_2025`).
dossier_keys as (
    select
        k.month, k.after_reform, k.level_class, k.agency_code, k.admin_unit_code,
        k.unit_code_2025,
        case when k.after_reform then r.province_code else o.province_code end as province_code,
        r.province_code as current_province,
        coalesce(a.level_class = 'province', false) as provincial_agency
    from (
        select distinct month, after_reform, level_class, agency_code, admin_unit_code,
            unit_code_2025
        from received_cells
        union
        select distinct month, after_reform, level_class, agency_code, admin_unit_code,
            unit_code_2025
        from flow_cells
    ) k
    cross join reform r
    left join old_codes o on o.code = k.admin_unit_code
    left join agencies a using (agency_code)
),
feedback_keys as (
    -- feedback counts for the province of its agency (else of its unit), for the commune or
    -- district the agency of that level sits in, and for the agency itself
    select
        k.month, k.after_reform, k.agency_code, k.admin_unit_code,
        case when k.after_reform then r.province_code
            else coalesce(oa.province_code, ou.province_code) end as province_code,
        r.province_code as current_province,
        a.level_class,
        a.admin_unit_code as agency_unit,
        case when k.after_reform then a.admin_unit_code else oa.unit_code_2025 end
            as commune_2025
    from (
        select distinct month, after_reform, agency_code, admin_unit_code from feedback_cells
        union
        select distinct month, after_reform, agency_code, admin_unit_code
        from feedback_flow_cells
    ) k
    cross join reform r
    left join agencies a using (agency_code)
    left join old_codes oa on oa.code = a.admin_unit_code
    left join old_codes ou on ou.code = k.admin_unit_code
),
dossier_unit_keys as (
    select k.*, u.unit_type, u.code_before, u.code_after
    from dossier_keys k,
    lateral (values
        ('province', k.province_code, k.current_province),
        ('provincial_centre',
            if(k.level_class = 'province', k.province_code, null),
            if(k.level_class = 'province', k.current_province, null)),
        ('district', if(k.level_class = 'district', k.admin_unit_code, null), null),
        ('commune',
            if(k.level_class = 'commune', k.admin_unit_code, null),
            if(k.level_class = 'commune', k.unit_code_2025, null)),
        ('agency', if(k.provincial_agency, k.agency_code, null),
            if(k.provincial_agency, k.agency_code, null))
    ) u(unit_type, code_before, code_after)
),
feedback_unit_keys as (
    select k.*, u.unit_type, u.code_before, u.code_after
    from feedback_keys k,
    lateral (values
        ('province', k.province_code, k.current_province),
        ('provincial_centre',
            if(k.level_class = 'province', k.province_code, null),
            if(k.level_class = 'province', k.current_province, null)),
        ('district', if(k.level_class = 'district', k.agency_unit, null), null),
        ('commune',
            if(k.level_class = 'commune', k.agency_unit, null),
            if(k.level_class = 'commune', k.commune_2025, null)),
        ('agency', if(k.level_class = 'province', k.agency_code, null),
            if(k.level_class = 'province', k.agency_code, null))
    ) u(unit_type, code_before, code_after)
),
received_measures as (
    select
        p.period_type, p.period, k.unit_type,
        if(p.after_reform, k.code_after, k.code_before) as unit_code,
        sum(c.received)::bigint as received,
        sum(c.received_on_time)::bigint as received_on_time,
        sum(c.received_on_time_not_dissatisfied)::bigint as received_on_time_not_dissatisfied,
        sum(c.received_online)::bigint as received_online,
        sum(c.received_e_result)::bigint as received_e_result,
        sum(c.received_digitized)::bigint as received_digitized,
        sum(c.received_data_reused)::bigint as received_data_reused,
        sum(c.received_data_fully_replaced)::bigint as received_data_fully_replaced,
        sum(c.received_synced_on_time)::bigint as received_synced_on_time,
        sum(c.received_full_online)::bigint as received_full_online,
        sum(c.received_full_online_eligible)::bigint as received_full_online_eligible,
        sum(c.received_with_online_service)::bigint as received_with_online_service,
        sum(c.received_online_with_online_service)::bigint as received_online_with_online_service,
        sum(c.received_with_fee)::bigint as received_with_fee,
        sum(c.received_paid_online)::bigint as received_paid_online,
        sum(c.financial_obligation)::bigint as financial_obligation,
        sum(c.paid_online)::bigint as paid_online,
        sum(c.received_paper_result)::bigint as received_paper_result,
        sum(c.received_reuse_allowed)::bigint as received_reuse_allowed,
        sum(c.missing_full_online)::bigint as missing_full_online,
        sum(c.missing_synced_on_time)::bigint as missing_synced_on_time,
        sum(c.missing_fee_exempt)::bigint as missing_fee_exempt,
        sum(c.missing_data_reused)::bigint as missing_data_reused,
        sum(c.missing_data_fully_replaced)::bigint as missing_data_fully_replaced,
        sum(c.missing_paper_result)::bigint as missing_paper_result,
        sum(c.missing_reuse_allowed)::bigint as missing_reuse_allowed
    from received_cells c
    join dossier_unit_keys k
        on k.month = c.month and k.after_reform = c.after_reform
        and k.level_class = c.level_class and k.agency_code = c.agency_code
        and k.admin_unit_code = c.admin_unit_code
        and k.unit_code_2025 is not distinct from c.unit_code_2025
    join period_months p on p.month = c.month
    where if(p.after_reform, k.code_after, k.code_before) is not null
    group by all
),
procedure_measures as (
    select
        period_type, period, unit_type, unit_code,
        count(*) filter (used_online) as online_services_used,
        count(*) filter (with_fee) as fee_procedures_with_dossiers,
        count(*) filter (fee_paid_online) as fee_procedures_paid_online
    from (
        select
            p.period_type, p.period, k.unit_type,
            if(p.after_reform, k.code_after, k.code_before) as unit_code,
            c.procedure_code,
            bool_or(c.used_online) as used_online,
            bool_or(c.with_fee) as with_fee,
            bool_or(c.fee_paid_online) as fee_paid_online
        from received_procedures c
        join dossier_unit_keys k
            on k.month = c.month and k.after_reform = c.after_reform
            and k.level_class = c.level_class and k.agency_code = c.agency_code
            and k.admin_unit_code = c.admin_unit_code
            and k.unit_code_2025 is not distinct from c.unit_code_2025
        join period_months p on p.month = c.month
        where if(p.after_reform, k.code_after, k.code_before) is not null
        group by all
    )
    group by all
),
flow_measures as (
    select
        p.period_type, p.period, k.unit_type,
        if(p.after_reform, k.code_after, k.code_before) as unit_code,
        sum(c.finished)::bigint as finished,
        sum(c.finished_with_result)::bigint as finished_with_result,
        sum(c.finished_e_result)::bigint as finished_e_result,
        -- stocks are those at the end of the period's last month
        (sum(c.finished) + coalesce(sum(c.open_at_end) filter (p.is_last_month), 0))::bigint
            as handled,
        (sum(c.finished_in_time) + coalesce(sum(c.open_at_end - c.open_overdue_at_end)
            filter (p.is_last_month), 0))::bigint as handled_in_time,
        greatest(sum(c.finished) + coalesce(sum(c.open_at_end) filter (p.is_last_month), 0)
            - sum(c.finished_late) - sum(c.finished_dissatisfied)
            - coalesce(sum(c.open_overdue_at_end) filter (p.is_last_month), 0), 0)::bigint
            as handled_satisfied
    from flow_cells c
    join dossier_unit_keys k
        on k.month = c.month and k.after_reform = c.after_reform
        and k.level_class = c.level_class and k.agency_code = c.agency_code
        and k.admin_unit_code = c.admin_unit_code
        and k.unit_code_2025 is not distinct from c.unit_code_2025
    join period_months p on p.month = c.month
    where if(p.after_reform, k.code_after, k.code_before) is not null
    group by all
),
feedback_measures as (
    select
        p.period_type, p.period, k.unit_type,
        if(p.after_reform, k.code_after, k.code_before) as unit_code,
        sum(c.feedback_received)::bigint as feedback_received,
        sum(c.feedback_on_time)::bigint as feedback_on_time,
        sum(c.feedback_satisfied)::bigint as feedback_satisfied,
        sum(c.feedback_about_procedures)::bigint as feedback_about_procedures,
        sum(c.feedback_about_staff)::bigint as feedback_about_staff
    from feedback_cells c
    join feedback_unit_keys k
        on k.month = c.month and k.after_reform = c.after_reform
        and k.agency_code = c.agency_code and k.admin_unit_code = c.admin_unit_code
    join period_months p on p.month = c.month
    where if(p.after_reform, k.code_after, k.code_before) is not null
    group by all
),
feedback_flow_measures as (
    select
        p.period_type, p.period, k.unit_type,
        if(p.after_reform, k.code_after, k.code_before) as unit_code,
        sum(c.feedback_handled)::bigint as feedback_handled,
        sum(c.feedback_handled_on_time)::bigint as feedback_handled_on_time,
        greatest(sum(c.feedback_received_2022) - sum(c.feedback_unhappy)
            - coalesce(sum(c.feedback_overdue_at_end) filter (p.is_last_month), 0), 0)::bigint
            as feedback_satisfied_at_period_end
    from feedback_flow_cells c
    join feedback_unit_keys k
        on k.month = c.month and k.after_reform = c.after_reform
        and k.agency_code = c.agency_code and k.admin_unit_code is null
    join period_months p on p.month = c.month
    where if(p.after_reform, k.code_after, k.code_before) is not null
    group by all
),

-- The catalogue: each announcement (procedure, decision date) once, as the latest snapshot
-- that lists it says; a period's announcements are known from a snapshot taken after it began.
announcements as (
    select
        s.procedure_code,
        s.decision_date,
        s.legal_effective_date,
        s.published_at,
        s.components_complete,
        deadline.date as publication_deadline,
        effective.working_day_index - decided.working_day_index as lead_working_days
    from procedure_snapshot s
    left join dim_calendar decided on decided.date = s.decision_date
    left join dim_calendar deadline
        on deadline.is_working_day
        and deadline.working_day_index = decided.working_day_index + 5
    left join dim_calendar effective on effective.date = s.legal_effective_date
    qualify row_number() over (
        partition by s.procedure_code, s.decision_date order by s.snapshot_date desc
    ) = 1
),
announcement_measures as (
    select
        p.period_type, p.period,
        count(a.procedure_code) filter (a.decision_date between p.period_start and p.period_end)
            as announced,
        count(a.procedure_code) filter (
            a.decision_date between p.period_start and p.period_end
            and a.legal_effective_date is not null
        ) as announced_with_effective_date,
        count(a.procedure_code) filter (
            a.decision_date between p.period_start and p.period_end and a.lead_working_days >= 5
        ) as announced_on_time,
        count(a.procedure_code) filter (
            a.decision_date between p.period_start and p.period_end and a.components_complete
        ) as announced_complete,
        count(a.procedure_code) filter (
            a.decision_date between date_trunc('year', p.period_start) and p.period_end
        ) as announced_year_to_date,
        count(a.procedure_code) filter (
            a.decision_date between date_trunc('year', p.period_start) and p.period_end
            and a.components_complete
        ) as announced_year_to_date_complete,
        count(a.procedure_code) filter (
            a.publication_deadline between p.period_start and p.period_end
            or a.published_at between p.period_start and p.period_end
        ) as publication_due,
        count(a.procedure_code) filter (
            (a.publication_deadline between p.period_start and p.period_end
                or a.published_at between p.period_start and p.period_end)
            and a.published_at <= a.publication_deadline
        ) as published_on_time
    from period_bounds p
    left join announcements a on true
    where exists (select 1 from procedure_snapshot s where s.snapshot_date >= p.period_start)
    group by all
),
period_snapshot as (
    -- the catalogue of a period: the snapshot in force at its end, else the first one after
    select p.period_type, p.period, p.period_end, s.snapshot_date
    from period_bounds p, (select distinct snapshot_date from procedure_snapshot) s
    qualify row_number() over (
        partition by p.period_type, p.period
        order by s.snapshot_date > p.period_end, abs(date_diff('day', s.snapshot_date, p.period_end))
    ) = 1
),
applicable_measures as (
    -- the procedures a unit type carries out: all of them for the province, those whose
    -- catalogue levels name the unit's level for the others
    select
        c.period_type, c.period, t.unit_type,
        count(s.procedure_code) as procedures_applicable,
        count(s.procedure_code) filter (s.online_level is not null)
            as procedures_with_online_service,
        count(s.procedure_code) filter (s.has_fee) as fee_procedures_applicable
    from period_snapshot c
    cross join (values ('province', null), ('provincial_centre', ['Tỉnh']), ('agency', ['Tỉnh']),
        ('district', ['Huyện']), ('commune', ['Xã', 'Đặc khu'])) t(unit_type, labels)
    left join procedure_snapshot s
        on s.snapshot_date = c.snapshot_date
        and s.status = 'Đang áp dụng'
        and s.decision_date <= c.period_end
        and (t.labels is null or list_has_any(string_split(s.levels, ', '), t.labels))
    group by all
),

-- The units of a period: every province with dossiers or feedback in it, its centre, its
-- provincial agencies, and every district and commune in force then (in force at the period's
-- end when it ends after the reform), whether or not they received anything.
provinces as (
    select period_type, period, unit_code as province_code from received_measures
    where unit_type = 'province'
    union
    select period_type, period, unit_code from flow_measures where unit_type = 'province'
    union
    select period_type, period, unit_code from feedback_measures where unit_type = 'province'
),
provincial_agencies as (
    -- a provincial agency is a unit of the periods it worked in, counted for the province of
    -- its dossiers and feedback, and of every period of the province it is located in while it
    -- was in operation (an old province's department is not scored after it was merged)
    select period_type, period, agency_code,
        coalesce(max(province_code) filter (active), max(province_code)) as province_code
    from (
        select p.period_type, p.period, k.agency_code,
            if(p.after_reform, k.current_province, k.province_code) as province_code, true as active
        from (
            select month, agency_code, province_code, current_province from dossier_unit_keys
            where unit_type = 'agency' and code_before is not null
            union
            select month, agency_code, province_code, current_province from feedback_unit_keys
            where unit_type = 'agency' and code_before is not null
        ) k
        join period_months p on p.month = k.month
        union all
        select p.period_type, p.period, a.agency_code, p.province_code, false
        from provinces p
        join period_bounds b using (period_type, period)
        join agencies a on a.level_class = 'province' and a.admin_unit_code = p.province_code
            and coalesce(a.valid_from, b.period_start) <= b.period_end
            and coalesce(a.valid_to, b.period_end) >= b.period_start
    )
    group by all
),
unit_periods as (
    select period_type, period, 'province' as unit_type, province_code as unit_code, province_code
    from provinces
    union
    select period_type, period, 'provincial_centre', province_code, province_code
    from provinces
    union
    select period_type, period, 'agency', agency_code, province_code from provincial_agencies
    union
    select p.period_type, p.period, u.level, u.code, p.province_code
    from provinces p
    join period_bounds b using (period_type, period)
    join dim_admin_unit u
        on u.level in ('district', 'commune') and u.province_code = p.province_code
        and if(b.after_reform,
            u.level = 'commune' and b.period_end between u.valid_from and u.valid_to
                and u.valid_from >= (select day from reform),
            u.valid_from <= b.period_end and u.valid_to >= b.period_start)
),
measures as (
    select
        u.*,
        coalesce(r.received, 0) as received,
        coalesce(r.received_on_time, 0) as received_on_time,
        coalesce(r.received_on_time_not_dissatisfied, 0) as received_on_time_not_dissatisfied,
        coalesce(r.received_online, 0) as received_online,
        coalesce(r.received_e_result, 0) as received_e_result,
        coalesce(r.received_digitized, 0) as received_digitized,
        coalesce(r.received_data_reused, 0) as received_data_reused,
        coalesce(r.received_data_fully_replaced, 0) as received_data_fully_replaced,
        coalesce(r.received_synced_on_time, 0) as received_synced_on_time,
        coalesce(r.received_full_online, 0) as received_full_online,
        coalesce(r.received_full_online_eligible, 0) as received_full_online_eligible,
        coalesce(r.received_with_online_service, 0) as received_with_online_service,
        coalesce(r.received_online_with_online_service, 0) as received_online_with_online_service,
        coalesce(r.received_with_fee, 0) as received_with_fee,
        coalesce(r.received_paid_online, 0) as received_paid_online,
        coalesce(r.financial_obligation, 0) as financial_obligation,
        coalesce(r.paid_online, 0) as paid_online,
        coalesce(r.received_paper_result, 0) as received_paper_result,
        coalesce(r.received_reuse_allowed, 0) as received_reuse_allowed,
        coalesce(q.online_services_used, 0) as online_services_used,
        coalesce(q.fee_procedures_with_dossiers, 0) as fee_procedures_with_dossiers,
        coalesce(q.fee_procedures_paid_online, 0) as fee_procedures_paid_online,
        coalesce(r.missing_full_online, 0) as missing_full_online,
        coalesce(r.missing_synced_on_time, 0) as missing_synced_on_time,
        coalesce(r.missing_fee_exempt, 0) as missing_fee_exempt,
        coalesce(r.missing_data_reused, 0) as missing_data_reused,
        coalesce(r.missing_data_fully_replaced, 0) as missing_data_fully_replaced,
        coalesce(r.missing_paper_result, 0) as missing_paper_result,
        coalesce(r.missing_reuse_allowed, 0) as missing_reuse_allowed,
        coalesce(f.finished, 0) as finished,
        coalesce(f.finished_with_result, 0) as finished_with_result,
        coalesce(f.finished_e_result, 0) as finished_e_result,
        coalesce(f.handled, 0) as handled,
        coalesce(f.handled_in_time, 0) as handled_in_time,
        coalesce(f.handled_satisfied, 0) as handled_satisfied,
        coalesce(b.feedback_received, 0) as feedback_received,
        coalesce(b.feedback_on_time, 0) as feedback_on_time,
        coalesce(b.feedback_satisfied, 0) as feedback_satisfied,
        coalesce(b.feedback_about_procedures, 0) as feedback_about_procedures,
        coalesce(b.feedback_about_staff, 0) as feedback_about_staff,
        coalesce(h.feedback_handled, 0) as feedback_handled,
        coalesce(h.feedback_handled_on_time, 0) as feedback_handled_on_time,
        coalesce(h.feedback_satisfied_at_period_end, 0) as feedback_satisfied_at_period_end,
        a.announced,
        a.announced_with_effective_date,
        a.announced_on_time,
        a.announced_complete,
        a.announced_year_to_date,
        a.announced_year_to_date_complete,
        a.publication_due,
        a.published_on_time,
        c.procedures_applicable,
        c.procedures_with_online_service,
        c.fee_procedures_applicable
    from unit_periods u
    left join received_measures r using (period_type, period, unit_type, unit_code)
    left join procedure_measures q using (period_type, period, unit_type, unit_code)
    left join flow_measures f using (period_type, period, unit_type, unit_code)
    left join feedback_measures b using (period_type, period, unit_type, unit_code)
    left join feedback_flow_measures h using (period_type, period, unit_type, unit_code)
    left join announcement_measures a using (period_type, period)
    left join applicable_measures c using (period_type, period, unit_type)
),
measure_maps as (
    -- each unit and period's measures as one map: an indicator looks its two up by name
    select period_type, period, unit_type, unit_code, map_from_entries(list((measure, value))) as m
    from (
        unpivot measures
        on columns(* exclude (period_type, period, unit_type, unit_code, province_code))
        into name measure value value
    )
    group by all
),

-- Scoring: each indicator divides two measures of its unit (or of the province, for those the
-- portal copies to child units) and turns the rate into points.
indicator_rows as (
    select
        u.period_type, u.period, u.unit_type, u.unit_code,
        if(i.child_units = 'province', 'province', u.unit_type) as count_unit_type,
        if(i.child_units = 'province', u.province_code, u.unit_code) as count_unit_code,
        i.* exclude (numerator, denominator),
        i.numerator as numerator_measure,
        i.denominator as denominator_measure
    from unit_periods u
    cross join dim_service_index_766_indicator i
),
counted as (
    select
        r.*,
        c.m[r.numerator_measure] as numerator,
        c.m[r.denominator_measure] as denominator,
        -- the optional export columns missing for some row of the population, with how many
        nullif(array_to_string(list_transform(
            list_filter(r.inputs, lambda x: c.m['missing_' || x] > 0),
            lambda x: x || ' (' || c.m['missing_' || x] || ')'
        ), ', '), '') as absent
    from indicator_rows r
    left join measure_maps c
        on c.period_type = r.period_type and c.period = r.period
        and c.unit_type = r.count_unit_type and c.unit_code = r.count_unit_code
),
statuses as (
    select
        *,
        status_766(
            form, max_points, zero_points,
            award_max_when_not_applicable and unit_type <> 'province',
            len(unavailable) = 0 and absent is null
                and numerator is not null and denominator is not null,
            denominator
        ) as status
    from counted
),
scored as (
    select
        *,
        points_exact_766(
            status, max_points, threshold, rate_basis, zero_points, all_or_nothing,
            numerator, denominator
        ) as points_exact
    from statuses
)
select
    profile,
    period_type,
    period,
    unit_type,
    unit_code,
    group_code,
    indicator_code,
    name_vi,
    name_en,
    numerator,
    denominator,
    numerator / nullif(denominator, 0) as rate,
    portal_round2(points_exact) as points,
    points_exact,
    max_points,
    status,
    case status
        when 'fixed' then 'Cổng DVCQG cho điểm tối đa mọi đơn vị — the portal gives every unit these points'
        when 'not_applicable' then 'Chỉ tiêu cấp tỉnh: cho điểm tối đa (công tắc cấu hình) — province-scope indicator: maximum awarded by the configuration switch'
        when 'not_scored' then 'Chỉ hiển thị, không chấm điểm — shown, not scored'
        when 'zero_denominator' then 'Không có gì để tính: điểm như Cổng cho — nothing to count: points as the portal gives them'
        when 'not_assessable' then
            case
                when len(unavailable) > 0 then 'Không tệp xuất nào có dữ liệu — no export carries: '
                    || array_to_string(unavailable, ', ')
                when absent is not null then 'Tệp xuất thiếu cột ở một số hồ sơ — exports lack the column for some dossiers: '
                    || absent
                when numerator is null or denominator is null then 'Chưa có bản chụp danh mục TTHC cho kỳ — no procedure catalogue snapshot for the period'
                else 'Mẫu số bằng 0 — nothing to count'
            end
        else if(child_units = 'province' and unit_type <> 'province',
            'Số liệu của tỉnh, như Cổng DVCQG hiển thị cho đơn vị con — the province''s counts, as the portal shows them for child units',
            null)
    end as reason,
    confirmed
from scored
order by profile, period_type, period, unit_type, unit_code, group_code, indicator_code;

comment on table mart_service_index_766_detail is 'Chỉ số 766 — từng chỉ tiêu theo bộ chấm điểm, đơn vị và kỳ: tử số, mẫu số, tỷ lệ, điểm — the 766 index per indicator, profile, unit and period (docs/indicators.md#c)';
comment on column mart_service_index_766_detail.profile is 'Bộ chấm điểm: dvcqg (như Cổng DVCQG, mặc định) hoặc qd766_2022 — scoring profile';
comment on column mart_service_index_766_detail.period_type is 'Loại kỳ: month / quarter / year — period type';
comment on column mart_service_index_766_detail.period is 'Kỳ (yyyy-MM, yyyy-Qn, yyyy) — period';
comment on column mart_service_index_766_detail.unit_type is 'province (tỉnh) / provincial_centre (Trung tâm PVHCC tỉnh) / agency (cơ quan cấp tỉnh) / district (huyện, đến 2025-06) / commune (xã) — unit type';
comment on column mart_service_index_766_detail.unit_code is 'Mã đơn vị: mã ĐVHC của tỉnh, huyện, xã (xã mới với kỳ kết thúc từ 2025-07-01) hoặc mã cơ quan — GSO code (the new commune for periods ending from 2025-07-01) or agency code';
comment on column mart_service_index_766_detail.group_code is 'Nhóm chỉ tiêu — group code (dim_service_index_766_indicator)';
comment on column mart_service_index_766_detail.indicator_code is 'Mã chỉ tiêu (metricCode của Cổng khi có) — indicator code';
comment on column mart_service_index_766_detail.name_vi is 'Tên chỉ tiêu (tiếng Việt) — Vietnamese name';
comment on column mart_service_index_766_detail.name_en is 'Tên chỉ tiêu (tiếng Anh) — English name';
comment on column mart_service_index_766_detail.numerator is 'Tử số — numerator';
comment on column mart_service_index_766_detail.denominator is 'Mẫu số — denominator';
comment on column mart_service_index_766_detail.rate is 'Tỷ lệ = tử số ÷ mẫu số (NULL khi mẫu số bằng 0) — rate';
comment on column mart_service_index_766_detail.points is 'Điểm làm tròn 2 chữ số như Cổng DVCQG (NULL: không đánh giá được hoặc không chấm) — points, rounded to 2 decimals as the portal rounds (NULL: not assessable or not scored)';
comment on column mart_service_index_766_detail.points_exact is 'Điểm chưa làm tròn — points before rounding';
comment on column mart_service_index_766_detail.max_points is 'Điểm tối đa — maximum points';
comment on column mart_service_index_766_detail.status is 'scored / zero_denominator / fixed / not_scored / not_applicable / not_assessable — how the points were given';
comment on column mart_service_index_766_detail.reason is 'Lý do khi không chấm từ số liệu của đơn vị — why, when the points do not come from the unit''s own counts';
comment on column mart_service_index_766_detail.confirmed is 'Cách tính khớp kết quả công bố của Cổng — form reproduces published portal results';
