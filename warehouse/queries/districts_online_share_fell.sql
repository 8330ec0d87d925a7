-- Câu hỏi: Huyện nào có tỷ lệ hồ sơ trực tuyến quý 4/2024 thấp hơn quý 3/2024?
-- Question: Which districts' online share fell from 2024-Q3 to 2024-Q4?
-- columns: district_code, district_name, online_share_q3, online_share_q4, change
with units as (  -- as they were at the end of 2024
    select * from dim_admin_unit where date '2024-12-31' between valid_from and valid_to
),
by_quarter as (
    select
        case u.level when 'district' then u.code else u.parent_code end as district_code,
        sum(m.received_online) filter (m.period between '2024-07' and '2024-09')
            / nullif(sum(m.received) filter (m.period between '2024-07' and '2024-09'), 0) as q3,
        sum(m.received_online) filter (m.period between '2024-10' and '2024-12')
            / nullif(sum(m.received) filter (m.period between '2024-10' and '2024-12'), 0) as q4
    from mart_dossier_monthly m
    join units u on u.code = m.admin_unit_code
    where u.level in ('district', 'commune')
    group by 1
)
select b.district_code, d.name as district_name, round(b.q3, 4) as online_share_q3,
    round(b.q4, 4) as online_share_q4, round(b.q4 - b.q3, 4) as change
from by_quarter b
join units d on d.code = b.district_code
where b.q4 < b.q3
order by change;
