create or replace table fact_mobilization_model as
select
    cast(period as integer) as register_year,
    model_key,
    model_name,
    field,
    host_unit,
    level,
    admin_unit_code,
    registered_year,
    status,
    status in ('Công nhận', 'Nhân rộng') as is_recognised,
    recognised_level,
    source_file,
    row_number as source_row
from stg_models
order by register_year, model_key;

comment on table fact_mobilization_model is 'Mô hình “Dân vận khéo”, mỗi mô hình một dòng trong sổ đăng ký của mỗi năm — one row per model and register year';
comment on column fact_mobilization_model.register_year is 'Năm của sổ đăng ký (tên tệp) — register year';
comment on column fact_mobilization_model.model_key is 'Khóa mô hình: tên + đơn vị thực hiện chuẩn hóa, để theo dõi qua các năm — model key across years';
comment on column fact_mobilization_model.model_name is 'Tên mô hình — model name';
comment on column fact_mobilization_model.field is 'Lĩnh vực — field';
comment on column fact_mobilization_model.host_unit is 'Đơn vị thực hiện — host unit';
comment on column fact_mobilization_model.level is 'Cấp (Tỉnh/Huyện/Xã/Thôn) — level';
comment on column fact_mobilization_model.admin_unit_code is 'Mã ĐVHC — unit code';
comment on column fact_mobilization_model.registered_year is 'Năm đăng ký — year first registered';
comment on column fact_mobilization_model.status is 'Trạng thái: Đăng ký / Triển khai / Công nhận / Nhân rộng — status';
comment on column fact_mobilization_model.is_recognised is 'Đã được công nhận hoặc nhân rộng — recognised';
comment on column fact_mobilization_model.recognised_level is 'Cấp công nhận — recognising level';
comment on column fact_mobilization_model.source_file is 'Tệp nguồn — landing file';
comment on column fact_mobilization_model.source_row is 'Số dòng trong tệp — row in the file';
