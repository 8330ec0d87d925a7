create or replace table dim_dossier_status as
select cast(code as tinyint) as status_code, name_vi, name_en, sort_order
from ref_lookups
where lookup = 'dossier_status'
order by sort_order;

comment on table dim_dossier_status is 'Trạng thái hồ sơ (mã đồng bộ quốc gia) — dossier status codes: join fact_dossier using (status_code)';
comment on column dim_dossier_status.status_code is 'Mã trạng thái 1–10 — status code';
comment on column dim_dossier_status.name_vi is 'Tên trạng thái — status, Vietnamese';
comment on column dim_dossier_status.name_en is 'Status, English';
comment on column dim_dossier_status.sort_order is 'Thứ tự hiển thị — display order';
