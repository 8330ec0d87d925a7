-- INDICATORS.md §B, per catalogue snapshot; all shares are over active procedures.
create or replace table mart_procedure_publication as
with working_days as (
    select working_day_index, date from dim_calendar where is_working_day
),
used_online as (
    -- procedures that received at least one online dossier, per calendar year
    select distinct year(received_at) as year, procedure_code
    from fact_dossier
    where is_received and channel = 2
),
active_procedures as (
    -- the ingest holds dates outside the working-day calendar (2015–2035) in quarantine; one
    -- that still missed it stops the build instead of counting as late
    select
        s.*,
        coalesce(wd.date, error(
            'mart_procedure_publication: ' || s.source_file || ': no 5th working day after the '
            || 'decision of ' || cast(s.decision_date as varchar) || ' in the working-day calendar'
        )) as publish_deadline,
        case
            when s.legal_effective_date is null then null
            -- in force before the calendar starts: the decision (inside it) came after
            when s.legal_effective_date < (select min(date) from dim_calendar) then -1
            else coalesce(cl.working_day_index - cd.working_day_index, error(
                'mart_procedure_publication: ' || s.source_file || ': the legal effective date '
                || cast(s.legal_effective_date as varchar) || ' is outside the working-day calendar'
            ))
        end as decision_lead_working_days,
        s.online_level is not null as has_online,
        u.procedure_code is not null as used_in_year
    from procedure_snapshot s
    left join dim_calendar cd on cd.date = s.decision_date
    left join working_days wd on wd.working_day_index = cd.working_day_index + 5
    left join dim_calendar cl on cl.date = s.legal_effective_date
    left join used_online u
        on u.procedure_code = s.procedure_code and u.year = year(s.snapshot_date)
    where s.status = 'Đang áp dụng'
)
select
    snapshot_date,
    count(*) as active,
    count(*) filter (published_at is not null) as published,
    published / nullif(active, 0) as published_share,
    count(*) filter (published_at is not null and published_at <= publish_deadline)
        as published_on_time,
    published_on_time / nullif(published, 0) as published_on_time_share,
    count(*) filter (legal_effective_date is not null) as with_effective_date,
    count(*) filter (decision_lead_working_days >= 5) as decision_on_time,
    decision_on_time / nullif(with_effective_date, 0) as decision_on_time_share,
    count(*) filter (components_complete) as complete,
    complete / nullif(active, 0) as complete_share,
    count(*) filter (has_online) as with_online_service,
    with_online_service / nullif(active, 0) as online_share,
    count(*) filter (full_online_eligible) as eligible_full_online,
    count(*) filter (full_online_eligible and online_level = 'Toàn trình') as full_online,
    full_online / nullif(eligible_full_online, 0) as full_online_share,
    count(*) filter (has_online and used_in_year) as online_used,
    online_used / nullif(with_online_service, 0) as online_used_share
from active_procedures
group by snapshot_date
order by snapshot_date;

comment on table mart_procedure_publication is 'Công khai TTHC theo bản chụp danh mục (INDICATORS §B) — procedure publication indicators per snapshot';
comment on column mart_procedure_publication.snapshot_date is 'Ngày chụp danh mục — snapshot date';
comment on column mart_procedure_publication.active is 'Số TTHC đang áp dụng — active procedures';
comment on column mart_procedure_publication.published is 'Đã công khai trên CSDLQG — published on the national database';
comment on column mart_procedure_publication.published_share is 'Tỷ lệ công khai = công khai ÷ đang áp dụng — published share';
comment on column mart_procedure_publication.published_on_time is 'Công khai trong 5 ngày làm việc từ ngày quyết định — published within 5 working days of the decision';
comment on column mart_procedure_publication.published_on_time_share is 'Tỷ lệ công khai đúng hạn ÷ đã công khai — published on time share';
comment on column mart_procedure_publication.with_effective_date is 'Có ngày hiệu lực văn bản QPPL — with a legal effective date';
comment on column mart_procedure_publication.decision_on_time is 'Quyết định công bố ban hành trước ngày hiệu lực ít nhất 5 ngày làm việc — decision at least 5 working days before the effective date';
comment on column mart_procedure_publication.decision_on_time_share is 'Tỷ lệ quyết định đúng hạn — decision on time share';
comment on column mart_procedure_publication.complete is 'Đầy đủ bộ phận tạo thành — components complete';
comment on column mart_procedure_publication.complete_share is 'Tỷ lệ đầy đủ bộ phận tạo thành — complete share';
comment on column mart_procedure_publication.with_online_service is 'Có DVCTT (toàn trình hoặc một phần) — with an online service';
comment on column mart_procedure_publication.online_share is 'Tỷ lệ TTHC có DVCTT — online share of procedures';
comment on column mart_procedure_publication.eligible_full_online is 'Đủ điều kiện toàn trình — eligible for fully online';
comment on column mart_procedure_publication.full_online is 'Đủ điều kiện và đã cung cấp toàn trình — eligible and fully online';
comment on column mart_procedure_publication.full_online_share is 'Tỷ lệ toàn trình ÷ đủ điều kiện — full online share';
comment on column mart_procedure_publication.online_used is 'TTHC có DVCTT phát sinh ≥ 1 hồ sơ trực tuyến trong năm — with at least one online dossier in the year';
comment on column mart_procedure_publication.online_used_share is 'Tỷ lệ DVCTT có phát sinh hồ sơ — online used share';
