-- Câu hỏi: Thời gian giải quyết bình quân (ngày làm việc, không tính thời gian chờ bổ sung) của từng thủ tục năm 2024 so với thời hạn quy định?
-- Question: Average processing time of each procedure in 2024, in working days without the supplement wait, against its time limit?
-- columns: procedure_code, procedure_name, finished, avg_working_days, avg_calendar_days, time_limit, time_limit_unit, share_within_limit
select
    f.procedure_code,
    any_value(p.procedure_name) as procedure_name,
    count(*) as finished,
    round(avg(f.processing_working_days), 2) as avg_working_days,
    round(avg(f.processing_days), 2) as avg_calendar_days,
    any_value(p.time_limit) as time_limit,
    any_value(p.time_limit_unit) as time_limit_unit,
    -- only a limit in working days compares with working days
    round(avg(case when p.time_limit_unit = 'Ngày làm việc'
        then (f.processing_working_days <= p.time_limit)::int end), 4) as share_within_limit
from fact_dossier f
join dim_procedure p using (procedure_code)
where f.is_finished and year(f.finished_at) = 2024
group by f.procedure_code
order by finished desc, f.procedure_code
limit 50;
