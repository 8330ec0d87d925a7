-- The national roll-up of dossiers: every province's staged dossiers (one hive partition
-- `province=<code>` each, read as text: "01" is not 1), counted as the province marts count
-- them (INDICATORS §A): a dossier listed in two monthly files counts once (latest export wins,
-- within its province), is 'received' in its receipt month and 'finished' in its finishing
-- month.
create or replace table national_dossier_monthly as
with staged as (
    select * from read_parquet('${staging}', hive_partitioning = true,
        hive_types = {'province': 'VARCHAR'}, union_by_name = true)
),
repeated as (
    select province, dossier_code from staged group by all having count(*) > 1
),
latest as (
    select s.* from staged s anti join repeated r using (province, dossier_code)
    union all
    select s.* from staged s semi join repeated r using (province, dossier_code)
    qualify row_number() over (
        partition by province, dossier_code order by exported_at desc, period desc, row_number desc
    ) = 1
),
received as (
    select province, strftime(received_at, '%Y-%m') as period,
        count(*) as received, count(*) filter (channel = 2) as received_online
    from latest where status_code not in (1, 3)
    group by all
),
finished as (
    select province, strftime(finished_at, '%Y-%m') as period, count(*) as finished
    from latest where status_code in (7, 8, 9, 10) and finished_at is not null
    group by all
),
files as (
    -- the file periods, with every dossier row staged from them
    select province, period, count(*) as dossiers from staged group by all
),
held as (
    select province, regexp_extract(filename, '(\d{4}-\d{2})\.parquet$$', 1) as period,
        count(*) as quarantined
    from read_parquet('${quarantine}', hive_partitioning = true,
        hive_types = {'province': 'VARCHAR'}, filename = true)
    group by all
),
cells as (
    select province, period from received
    union select province, period from finished
    union select province, period from files
    union select province, period from held
)
select
    c.province as province_code,
    p.name as province_name,
    c.period,
    coalesce(f.dossiers, 0) as dossiers,
    coalesce(h.quarantined, 0) as quarantined,
    coalesce(r.received, 0) as received,
    coalesce(r.received_online, 0) as received_online,
    r.received_online / nullif(r.received, 0) as online_share,
    coalesce(x.finished, 0) as finished
from cells c
left join read_csv('${provinces}', all_varchar = true) p on p.code = c.province
left join files f using (province, period)
left join held h using (province, period)
left join received r using (province, period)
left join finished x using (province, period)
order by province_code, period;

comment on table national_dossier_monthly is 'Hồ sơ TTHC toàn quốc theo tỉnh và tháng — national dossier roll-up per province × month';
comment on column national_dossier_monthly.province_code is 'Mã tỉnh (34 tỉnh từ 01/7/2025) — province code';
comment on column national_dossier_monthly.province_name is 'Tên tỉnh — province name';
comment on column national_dossier_monthly.period is 'Tháng (yyyy-MM) — month';
comment on column national_dossier_monthly.dossiers is 'Số dòng hồ sơ đã nạp từ tệp của tháng — dossier rows staged from the month''s files';
comment on column national_dossier_monthly.quarantined is 'Số dòng bị cách ly từ tệp của tháng — rows quarantined from the month''s files';
comment on column national_dossier_monthly.received is 'Số hồ sơ tiếp nhận trong tháng (trạng thái khác 1, 3) — dossiers received';
comment on column national_dossier_monthly.received_online is 'Tiếp nhận trực tuyến (kênh 2) — received online';
comment on column national_dossier_monthly.online_share is 'Tỷ lệ trực tuyến = trực tuyến ÷ tiếp nhận — online share';
comment on column national_dossier_monthly.finished is 'Số hồ sơ kết thúc trong tháng (trạng thái 7–10) — dossiers finished';
