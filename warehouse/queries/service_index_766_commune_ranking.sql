-- Câu hỏi: Xếp hạng các xã theo Chỉ số phục vụ (QĐ 766, cách chấm của Cổng DVCQG) năm 2024?
-- Question: Ranking of communes by the Decision 766 service index as the portal scores it, 2024?
-- columns: rank, commune_code, commune_name, total, points_assessable, total_normalised, rating
with units as (  -- names as they were at the end of 2024
    select * from dim_admin_unit where date '2024-12-31' between valid_from and valid_to
)
select
    rank() over (order by s.total_normalised desc) as rank,
    s.unit_code as commune_code,
    u.name as commune_name,
    s.total,
    s.points_assessable,
    s.total_normalised,
    s.rating
from mart_service_index_766 s
join units u on u.code = s.unit_code
where s.profile = 'dvcqg' and s.period_type = 'year' and s.period = '2024'
    and s.unit_type = 'commune'
order by rank, commune_code;
