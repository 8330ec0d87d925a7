create or replace table dim_dossier_channel as
select cast(code as tinyint) as channel, name_vi, name_en, sort_order
from ref_lookups
where lookup = 'dossier_channel'
order by sort_order;

comment on table dim_dossier_channel is 'Kênh nộp hồ sơ — dossier channels: join fact_dossier using (channel)';
comment on column dim_dossier_channel.channel is 'Mã kênh 1–3 — channel code';
comment on column dim_dossier_channel.name_vi is 'Tên kênh — channel, Vietnamese';
comment on column dim_dossier_channel.name_en is 'Channel, English';
comment on column dim_dossier_channel.sort_order is 'Thứ tự hiển thị — display order';
