create or replace table dim_support_type as
select code as support_type, name_vi, name_en, sort_order
from ref_lookups
where lookup = 'support_type'
order by sort_order;

comment on table dim_support_type is 'Hình thức hỗ trợ an sinh xã hội — welfare support types: join fact_welfare_activity or mart_welfare_yearly using (support_type)';
comment on column dim_support_type.support_type is 'Hình thức hỗ trợ (như trong fact_welfare_activity) — support type as in fact_welfare_activity';
comment on column dim_support_type.name_vi is 'Hình thức hỗ trợ — support type, Vietnamese';
comment on column dim_support_type.name_en is 'Support type, English';
comment on column dim_support_type.sort_order is 'Thứ tự hiển thị — display order';
