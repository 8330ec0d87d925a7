-- Câu hỏi: Xếp hạng các xã theo Chỉ số phục vụ (QĐ 766) năm 2024?
-- Question: Ranking of communes by the Decision 766 service index, 2024?
-- columns: rank, commune_code, commune_name, total, points_assessable, rating
with units as (  -- names as they were at the end of 2024
    select * from dim_admin_unit where date '2024-12-31' between valid_from and valid_to
)
select
    rank() over (order by s.total desc) as rank,
    s.unit_code as commune_code,
    u.name as commune_name,
    round(s.total, 2) as total,
    s.points_assessable,
    s.rating
from mart_service_index_766 s
join units u on u.code = s.unit_code
where s.period_type = 'year' and s.period = '2024' and s.unit_type = 'commune'
order by rank, commune_code;
