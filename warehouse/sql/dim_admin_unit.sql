create or replace table dim_admin_unit as
with units as (
    select
        code,
        name,
        unit_type,
        level,
        parent_code,
        coalesce(valid_from, date '1900-01-01') as valid_from,
        coalesce(valid_to, date '9999-12-31') as valid_to
    from ref_admin_units
),
provinces as (
    -- the province a unit belongs to: itself, its parent, or its parent's parent (any interval
    -- of a parent code lies in the same province)
    select distinct u.code, u.valid_from,
        case u.level
            when 'province' then u.code
            when 'district' then u.parent_code
            else coalesce(d.parent_code, u.parent_code)
        end as province_code
    from units u
    left join units d on d.code = u.parent_code and d.level = 'district'
)
select
    u.*,
    p.province_code,
    case when u.valid_from >= s.reform_date then u.code else b.new_code end as unit_code_2025,
    case when u.valid_from >= s.reform_date then 'in_force' else b.mapping end
        as unit_2025_mapping
from units u
join provinces p using (code, valid_from)
cross join ref_scope s
left join bridge_admin_unit_2025 b on b.old_code = u.code and b.is_primary
order by u.level, u.code, u.valid_from;

comment on table dim_admin_unit is 'Đơn vị hành chính (GSO) theo thời gian hiệu lực, toàn địa bàn tỉnh Lâm Đồng mới từ 2021 — administrative units (GSO codes) of the territory, one row per code and validity interval; join on (code, date), never on code alone (docs/analysts.md)';
comment on column dim_admin_unit.code is 'Mã ĐVHC (GSO) — GSO unit code (a code may name different units at different dates)';
comment on column dim_admin_unit.name is 'Tên đơn vị trong khoảng hiệu lực — unit name during this interval (never join on names across dates)';
comment on column dim_admin_unit.unit_type is 'Loại đơn vị (Tỉnh, Thành phố, Huyện, Phường, Xã, Thị trấn, Đặc khu…) — unit type';
comment on column dim_admin_unit.level is 'Cấp: province / district / commune — administrative level';
comment on column dim_admin_unit.parent_code is 'Mã đơn vị cấp trên — parent unit code';
comment on column dim_admin_unit.valid_from is 'Hiệu lực từ ngày (1900-01-01 = trước 2021) — valid from (inclusive)';
comment on column dim_admin_unit.valid_to is 'Hiệu lực đến ngày (9999-12-31 = còn hiệu lực) — valid to (inclusive)';
comment on column dim_admin_unit.province_code is 'Mã tỉnh của đơn vị trong khoảng hiệu lực (60, 67, 68 cũ; 68 mới từ 01/7/2025) — province of the unit during the interval';
comment on column dim_admin_unit.unit_code_2025 is 'Đơn vị từ 01/7/2025 chứa địa bàn này (bridge_admin_unit_2025, đơn vị chính) — the unit in force since 2025-07-01 the territory belongs to';
comment on column dim_admin_unit.unit_2025_mapping is 'in_force (đơn vị hiện hành) / merged / split (tính vào đơn vị chính) / contained (huyện, tỉnh cũ: nằm trong tỉnh mới) — how unit_code_2025 was found';
