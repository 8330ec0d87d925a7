-- The rows of fact_dossier from the given staging rows: all of them (a full build) or those of
-- the dossier codes that a changed period touches (warehouse/incremental.py).
with repeated as (
    select dossier_code from ${rows} group by 1 having count(*) > 1
),
latest as (
    -- a dossier listed in two monthly files (mis-dated re-export) counts once: latest export
    -- wins. Only the repeated codes go through the window, which is the costly part.
    select * from ${rows} where dossier_code not in (select dossier_code from repeated)
    union all
    select * from ${rows} where dossier_code in (select dossier_code from repeated)
    qualify row_number() over (
        partition by dossier_code order by exported_at desc, period desc, row_number desc
    ) = 1
),
closed as (
    -- INDICATORS §A (docs/calendar.md): a withdrawn or stopped dossier (7, 8) exported without
    -- an end date ends at its return time, else at the export's time, and says so; the first
    -- due date counts after a re-appointment; the supplement wait is added to it
    select
        * replace (
            case
                when finished_at is null and status_code in (7, 8)
                    then greatest(coalesce(returned_at, exported_at), received_at)
                else finished_at
            end as finished_at
        ),
        case
            when finished_at is not null or status_code not in (7, 8) then null
            when returned_at is not null then 'returned_at'
            else 'exported_at'
        end as finished_at_stand_in,
        coalesce(first_due_at, due_at) as due_counted_at
    from latest
),
derived as (
    select
        *,
        due_counted_at + to_seconds(cast(round(supplement_wait_days * 86400) as bigint))
            as due_effective_at,
        status_code not in (1, 3) as is_received,
        status_code in (7, 8, 9, 10) and finished_at is not null as is_finished,
        -- waiting for the applicant's supplement: the clock is paused, the dossier not overdue
        status_code = 5 as is_paused,
        -- the finish moved back by the supplement wait, never before the receipt: working days
        -- are counted from the receipt date to this date
        greatest(
            finished_at - to_seconds(cast(round(supplement_wait_days * 86400) as bigint)),
            received_at
        ) as finished_less_wait_at
    from closed
)
select
    d.dossier_code,
    d.procedure_code,
    d.procedure_name,
    d.agency_code,
    d.admin_unit_code,
    lv.level,
    d.channel,
    d.submitted_at,
    d.received_at,
    d.due_at,
    d.finished_at,
    d.returned_at,
    d.status_code,
    d.supplement_count,
    d.supplement_wait_days,
    d.inputs_digitized,
    d.e_result,
    d.online_payment,
    d.rating,
    d.full_online,
    d.synced_on_time,
    d.fee_exempt,
    d.data_reused,
    d.data_fully_replaced,
    d.first_due_at,
    d.applicant_key,
    d.period,
    d.source_file,
    d.row_number as source_row,
    d.exported_at,
    d.due_effective_at,
    d.is_received,
    d.is_finished,
    case
        when d.is_finished and (d.supplement_count > 1 or d.finished_at > d.due_effective_at) then 'late'
        when d.is_finished and cast(d.finished_at as date) < cast(d.due_effective_at as date) then 'early'
        when d.is_finished then 'on_time'
        when d.is_received and not d.is_paused and d.exported_at > d.due_effective_at then 'overdue'
        when d.is_received then 'in_progress'
    end as timeliness,
    case when d.is_finished then date_diff('second', d.received_at, d.finished_at) / 86400.0 end
        as processing_days,
    p.procedure_code is not null as procedure_known,
    a.agency_code is not null as agency_known,
    coalesce(p.field, 'Không xác định') as procedure_field,
    coalesce(p.has_fee, false) as procedure_has_fee,
    coalesce(p.online_level is not null, false) as procedure_has_online_service,
    d.level as level_vi,
    u.unit_code_2025,
    u.unit_2025_mapping,
    p.paper_result as procedure_paper_result,
    p.reuse_allowed as procedure_reuse_allowed,
    d.finished_at_stand_in,
    d.first_due_at is not null and d.first_due_at <> d.due_at as is_reappointed,
    d.is_paused,
    case
        when not d.is_finished then null
        -- the ingest holds dates outside the calendar; one that still missed it stops the build
        when cf.date is null or cr.date is null then error(
            'fact_dossier: ' || d.source_file || ' row ' || cast(d.row_number as varchar)
            || ': received ' || cast(cast(d.received_at as date) as varchar) || ', finished '
            || cast(cast(d.finished_at as date) as varchar)
            || ': outside the working-day calendar (2015-01-01 – 2035-12-31)'
        )
        else cf.working_day_index - cr.working_day_index
    end as processing_working_days
from derived d
left join dim_calendar cr on cr.date = cast(d.received_at as date)
left join dim_calendar cf on cf.date = cast(d.finished_less_wait_at as date)
left join dim_procedure p on p.procedure_code = d.procedure_code
left join dim_agency a on a.agency_code = d.agency_code
left join dim_level lv on lv.level_vi = d.level
left join dim_admin_unit u
    on u.code = d.admin_unit_code and cast(d.received_at as date) between u.valid_from and u.valid_to
