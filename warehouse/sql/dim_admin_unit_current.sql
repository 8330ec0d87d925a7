create or replace table dim_admin_unit_current as
select
    u.code,
    u.name,
    u.unit_type,
    u.level,
    u.parent_code,
    p.name as parent_name,
    u.valid_from
from dim_admin_unit u
left join dim_admin_unit p
    on p.code = u.parent_code and p.valid_to = date '9999-12-31'
where u.valid_to = date '9999-12-31'
order by u.level, u.code;

comment on table dim_admin_unit_current is 'Đơn vị hành chính đang có hiệu lực, mỗi mã một dòng — the units in force today, one row per code: a join on the code alone cannot multiply rows. A code that no longer exists has no row; for the unit a code meant on a date use admin_unit_on(code, date)';
comment on column dim_admin_unit_current.code is 'Mã ĐVHC (GSO) — GSO unit code';
comment on column dim_admin_unit_current.name is 'Tên hiện nay — current name';
comment on column dim_admin_unit_current.unit_type is 'Loại đơn vị (Tỉnh, Phường, Xã, Đặc khu…) — unit type';
comment on column dim_admin_unit_current.level is 'Cấp — administrative level';
comment on column dim_admin_unit_current.parent_code is 'Mã đơn vị cấp trên — parent unit code';
comment on column dim_admin_unit_current.parent_name is 'Tên đơn vị cấp trên hiện nay — current name of the parent unit';
comment on column dim_admin_unit_current.valid_from is 'Hiệu lực từ ngày (1900-01-01 = trước 2021) — in force since';

-- The unit a code meant on a date (NULL if none): one value per row, so it cannot multiply rows.
-- Two intervals of one code covering the same date would be an error, not a random pick
-- (dim_admin_unit_intervals_do_not_overlap guards against it).
create or replace macro admin_unit_on(unit_code, on_date) as (
    select {
        'code': d.code,
        'name': d.name,
        'unit_type': d.unit_type,
        'level': d.level,
        'parent_code': d.parent_code,
        'valid_from': d.valid_from,
        'valid_to': d.valid_to
    }
    from dim_admin_unit d
    where d.code = unit_code and cast(on_date as date) between d.valid_from and d.valid_to
);
comment on macro admin_unit_on is 'Đơn vị hành chính của một mã vào một ngày — the unit a code meant on a date, as a struct (code, name, unit_type, level, parent_code, valid_from, valid_to); e.g. admin_unit_on(admin_unit_code, received_at).name';

-- Every unit in force on a date, one row per code.
create or replace macro admin_units_on(on_date) as table
    select code, name, unit_type, level, parent_code, valid_from, valid_to
    from dim_admin_unit
    where cast(on_date as date) between valid_from and valid_to;
comment on macro table admin_units_on is 'Các đơn vị hành chính có hiệu lực vào một ngày, mỗi mã một dòng — every unit in force on a date, one row per code; e.g. from admin_units_on(date ''2024-12-31'')';
