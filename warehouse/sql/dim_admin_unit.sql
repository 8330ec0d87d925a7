create or replace table dim_admin_unit as
select
    code,
    name,
    unit_type,
    level,
    parent_code,
    coalesce(valid_from, date '1900-01-01') as valid_from,
    coalesce(valid_to, date '9999-12-31') as valid_to
from ref_admin_units
order by level, code, valid_from;

comment on table dim_admin_unit is 'Đơn vị hành chính (GSO) theo thời gian hiệu lực — administrative units (GSO codes), one row per code and validity interval, with the 2024-12-01 and 2025-07-01 reorganisations';
comment on column dim_admin_unit.code is 'Mã ĐVHC (GSO) — GSO unit code';
comment on column dim_admin_unit.name is 'Tên đơn vị trong khoảng hiệu lực — unit name during this interval (never join on names across dates)';
comment on column dim_admin_unit.unit_type is 'Loại đơn vị (Tỉnh, Thành phố, Huyện, Phường, Xã, Thị trấn…) — unit type';
comment on column dim_admin_unit.level is 'Cấp: province / district / commune — administrative level';
comment on column dim_admin_unit.parent_code is 'Mã đơn vị cấp trên — parent unit code';
comment on column dim_admin_unit.valid_from is 'Hiệu lực từ ngày (1900-01-01 = trước 2021) — valid from (inclusive)';
comment on column dim_admin_unit.valid_to is 'Hiệu lực đến ngày (9999-12-31 = còn hiệu lực) — valid to (inclusive)';
