-- Câu hỏi: Số hồ sơ cấp xã năm 2024, tính theo đơn vị hành chính mới từ 01/7/2025?
-- Question: 2024 commune-level dossier figures re-expressed in the 2025 communes?
-- columns: commune_code_2025, commune_name_2025, old_communes, received, finished, on_time_rate
select
    m.unit_code_2025 as commune_code_2025,
    any_value(b.new_name) as commune_name_2025,
    count(distinct m.admin_unit_code) as old_communes,
    sum(m.received) as received,
    sum(m.finished) as finished,
    round(sum(m.finished_early + m.finished_on_time) / nullif(sum(m.finished), 0), 4)
        as on_time_rate
from mart_dossier_monthly m
join bridge_admin_unit_2025 b on b.old_code = m.admin_unit_code and b.is_primary
where m.level = 'commune' and m.period like '2024-%'
group by m.unit_code_2025
order by received desc;
