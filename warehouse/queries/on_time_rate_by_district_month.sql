-- Câu hỏi: Tỷ lệ hồ sơ giải quyết đúng hạn theo huyện và theo tháng (gồm cả các xã của huyện)?
-- Question: What is the on-time rate by district and month (the district's communes included)?
-- columns: period, district_code, district_name, finished, finished_in_time, on_time_rate
-- units and their districts as they were at the end of each month (never join on names)
select
    m.period,
    case u.level when 'district' then u.code else u.parent_code end as district_code,
    d.name as district_name,
    sum(m.finished) as finished,
    sum(m.finished_early + m.finished_on_time) as finished_in_time,
    round(sum(m.finished_early + m.finished_on_time) / nullif(sum(m.finished), 0), 4) as on_time_rate
from mart_dossier_monthly m
join dim_admin_unit u on u.code = m.admin_unit_code
    and last_day(cast(m.period || '-01' as date)) between u.valid_from and u.valid_to
join dim_admin_unit d on d.code = case u.level when 'district' then u.code else u.parent_code end
    and last_day(cast(m.period || '-01' as date)) between d.valid_from and d.valid_to
where u.level in ('district', 'commune')
group by all
order by m.period, district_code;
