create or replace table dim_feedback_status as
select code as status, name_vi, name_en, sort_order
from ref_lookups
where lookup = 'feedback_status'
order by sort_order;

comment on table dim_feedback_status is 'Trạng thái xử lý phản ánh, kiến nghị — feedback statuses: join fact_feedback using (status)';
comment on column dim_feedback_status.status is 'Trạng thái (như trong fact_feedback) — status as in fact_feedback';
comment on column dim_feedback_status.name_vi is 'Trạng thái — status, Vietnamese';
comment on column dim_feedback_status.name_en is 'Status, English';
comment on column dim_feedback_status.sort_order is 'Thứ tự hiển thị — display order';
