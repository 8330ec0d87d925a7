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
derived as (
    select
        *,
        due_at + to_seconds(cast(round(supplement_wait_days * 86400) as bigint)) as due_effective_at,
        status_code not in (1, 3) as is_received,
        status_code in (7, 8, 9, 10) and finished_at is not null as is_finished
    from latest
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
        when d.is_received and d.exported_at > d.due_effective_at then 'overdue'
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
    p.reuse_allowed as procedure_reuse_allowed
from derived d
left join dim_procedure p on p.procedure_code = d.procedure_code
left join dim_agency a on a.agency_code = d.agency_code
left join dim_level lv on lv.level_vi = d.level
left join dim_admin_unit u
    on u.code = d.admin_unit_code and cast(d.received_at as date) between u.valid_from and u.valid_to
