create or replace table dim_feedback_channel as
select code as channel, name_vi, name_en, sort_order
from ref_lookups
where lookup = 'feedback_channel'
order by sort_order;

comment on table dim_feedback_channel is 'Kênh tiếp nhận phản ánh, kiến nghị — feedback channels: join fact_feedback using (channel)';
comment on column dim_feedback_channel.channel is 'Kênh (như trong fact_feedback) — channel as in fact_feedback';
comment on column dim_feedback_channel.name_vi is 'Kênh — channel, Vietnamese';
comment on column dim_feedback_channel.name_en is 'Channel, English';
comment on column dim_feedback_channel.sort_order is 'Thứ tự hiển thị — display order';
