-- Which months of a year each source's rows cover: read from the periods of the rows actually in
-- the facts (a file that loaded nothing covers nothing), never assumed from the calendar. A
-- monthly file covers its month, a quarterly one its three months, a yearly register the year;
-- the procedure catalogue is a state, so it covers the months it was photographed in and is
-- complete for a year with a December snapshot (the year-end state the scorecard reads).
create or replace table mart_source_coverage as
with periods as (
    select distinct 'dossiers' as source, period from fact_dossier
    union all
    select distinct 'feedback', period from fact_feedback
    union all
    select distinct 'engagement', period from fact_engagement_event
    union all
    select distinct 'welfare', period from fact_welfare_activity
    union all
    select distinct 'models', cast(register_year as varchar) from fact_mobilization_model
    union all
    select distinct 'procedures', strftime(snapshot_date, '%Y-%m') from procedure_snapshot
),
spans as (
    select
        source,
        period,
        case
            when period like '____-Q_' then
                make_date(cast(left(period, 4) as integer), 3 * cast(right(period, 1) as integer) - 2, 1)
            when length(period) = 4 then make_date(cast(period as integer), 1, 1)
            else make_date(cast(left(period, 4) as integer), cast(substr(period, 6, 2) as integer), 1)
        end as start,
        case when period like '____-Q_' then 3 when length(period) = 4 then 12 else 1 end as months
    from periods
),
months as (
    select distinct
        source,
        cast(unnest(generate_series(start, start + to_months(months - 1), interval 1 month))
            as date) as month_start
    from spans
),
exports as (
    -- the newest export stamp of the files that loaded rows, per source and year (every period
    -- name starts with its year)
    select source, cast(left(period, 4) as integer) as year, max(exported_at) as last_exported_at
    from load_audit
    where status = 'loaded' and rows_loaded > 0
    group by all
)
select
    year(m.month_start) as year,
    m.source,
    count(*) as months_covered,
    min(m.month_start) as first_month,
    max(m.month_start) as last_month,
    case m.source
        when 'procedures' then max(month(m.month_start)) = 12
        else count(*) = 12
    end as is_complete,
    e.last_exported_at
from months m
left join exports e on e.source = m.source and e.year = year(m.month_start)
group by year(m.month_start), m.source, e.last_exported_at
order by year, source;

comment on table mart_source_coverage is 'Số tháng có dữ liệu của từng nguồn trong năm (tính từ kỳ của các dòng đã nạp) — months of a year each source''s rows cover, from the periods of the loaded rows; a year with is_complete false is partial (docs/analysts.md#partial-years)';
comment on column mart_source_coverage.year is 'Năm — year';
comment on column mart_source_coverage.source is 'Nguồn: dossiers, feedback, engagement, welfare, models, procedures — source';
comment on column mart_source_coverage.months_covered is 'Số tháng trong năm có dữ liệu (tệp tháng: 1, tệp quý: 3, sổ năm: 12; danh mục: tháng có bản chụp) — months of the year the source''s rows cover';
comment on column mart_source_coverage.first_month is 'Tháng đầu tiên có dữ liệu — first month covered';
comment on column mart_source_coverage.last_month is 'Tháng cuối cùng có dữ liệu — last month covered';
comment on column mart_source_coverage.is_complete is 'Đủ 12 tháng (danh mục TTHC: có bản chụp tháng 12) — the whole year is covered (procedures: a December snapshot)';
comment on column mart_source_coverage.last_exported_at is 'Thời điểm xuất tệp mới nhất đã nạp của năm (số liệu tính đến) — newest export stamp among the loaded files of the year: the data is as of then';
