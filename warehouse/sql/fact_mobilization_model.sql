create or replace table fact_mobilization_model as
with registers as (
    select *, cast(period as integer) as register_year from stg_models
)
select
    m.register_year,
    m.model_key,
    m.model_name,
    m.field,
    m.host_unit,
    lv.level,
    m.level as level_vi,
    m.admin_unit_code,
    -- a register covers a year: the unit as in force at its end (or when it last was)
    coalesce(u_end.unit_code_2025, u_any.unit_code_2025) as unit_code_2025,
    coalesce(u_end.unit_2025_mapping, u_any.unit_2025_mapping) as unit_2025_mapping,
    m.registered_year,
    m.status,
    m.status in ('Công nhận', 'Nhân rộng') as is_recognised,
    m.recognised_level,
    m.source_file,
    m.row_number as source_row
from registers m
left join dim_level lv on lv.level_vi = m.level
left join dim_admin_unit u_end
    on u_end.code = m.admin_unit_code and m.register_year_end between u_end.valid_from and u_end.valid_to
left join (
    select code, arg_max(unit_code_2025, valid_to) as unit_code_2025,
        arg_max(unit_2025_mapping, valid_to) as unit_2025_mapping,
        min(valid_from) as valid_from, max(valid_to) as valid_to
    from dim_admin_unit group by code
) u_any on u_any.code = m.admin_unit_code
order by m.register_year, m.model_key;

comment on table fact_mobilization_model is 'Mô hình “Dân vận khéo”, mỗi mô hình một dòng trong sổ đăng ký của mỗi năm — one row per model and register year';
comment on column fact_mobilization_model.register_year is 'Năm của sổ đăng ký (tên tệp) — register year';
comment on column fact_mobilization_model.model_key is 'Khóa mô hình: tên + đơn vị thực hiện chuẩn hóa, để theo dõi qua các năm — model key across years';
comment on column fact_mobilization_model.model_name is 'Tên mô hình — model name';
comment on column fact_mobilization_model.field is 'Lĩnh vực — field';
comment on column fact_mobilization_model.host_unit is 'Đơn vị thực hiện — host unit';
comment on column fact_mobilization_model.level is 'Cấp: province / district / commune / village (dim_level) — level';
comment on column fact_mobilization_model.level_vi is 'Cấp như trong sổ: Tỉnh, Huyện, Xã, Đặc khu, Thôn — level as registered';
comment on column fact_mobilization_model.admin_unit_code is 'Mã ĐVHC (hợp lệ trong năm của sổ) — unit code, in force during the register year';
comment on column fact_mobilization_model.unit_code_2025 is 'Đơn vị từ 01/7/2025 chứa địa bàn của admin_unit_code — the unit in force since 2025-07-01 the territory belongs to';
comment on column fact_mobilization_model.unit_2025_mapping is 'in_force / merged / split (đơn vị chính) / contained — how unit_code_2025 was found';
comment on column fact_mobilization_model.registered_year is 'Năm đăng ký — year first registered';
comment on column fact_mobilization_model.status is 'Trạng thái: Đăng ký / Triển khai / Công nhận / Nhân rộng — status';
comment on column fact_mobilization_model.is_recognised is 'Đã được công nhận hoặc nhân rộng — recognised';
comment on column fact_mobilization_model.recognised_level is 'Cấp công nhận — recognising level';
comment on column fact_mobilization_model.source_file is 'Tệp nguồn — landing file';
comment on column fact_mobilization_model.source_row is 'Số dòng trong tệp — row in the file';
