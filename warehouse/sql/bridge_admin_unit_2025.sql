-- Every unit code in force before the 2025 reform → the unit in force since 2025-07-01 that its
-- territory belongs to (docs/units.md). Communes by the crosswalk of
-- Resolution 1671 (and the resolutions of 2024-12-01 through their successor); districts, which
-- were abolished with no successor, and the old provinces lie within the new province.
create or replace table bridge_admin_unit_2025 as
with reform as (select reform_date from ref_scope),
direct as (
    select c.old_code, c.old_name, c.new_code, c.new_name, c.new_province_code, c.legal_basis
    from ref_admin_unit_changes c, reform r
    where c.effective_date = r.reform_date
),
-- communes merged on 2024-12-01 reach their 2025 unit through their 2024-12-01 successor, so
-- that figures from before that merger are comparable too
chained as (
    select m.old_code, m.old_name, d.new_code, d.new_name, d.new_province_code,
        m.legal_basis || ', ' || d.legal_basis as legal_basis
    from ref_admin_unit_changes m
    join direct d on d.old_code = m.new_code
    where m.effective_date < (select reform_date from reform)
        and m.old_code not in (select old_code from direct)
),
-- a district: abolished with no successor; its territory lies within the new province
districts as (
    select distinct on (u.code)
        u.code as old_code, u.name as old_name, p.new_code, p.new_name, p.new_province_code,
        p.legal_basis
    from ref_admin_units u
    join direct p on p.old_code = u.parent_code
    where u.level = 'district'
    order by u.code, u.valid_to desc nulls first
),
units as (
    select *, 'commune' as old_level from direct
        where old_code not in (select code from ref_admin_units where level <> 'commune')
    union all
    select *, 'commune' from chained
        where old_code not in (select code from ref_admin_units where level <> 'commune')
    union all
    select *, 'province' from direct
        where old_code in (select code from ref_admin_units where level = 'province')
    union all
    select *, 'district' from districts
)
select
    old_code,
    old_name,
    old_level,
    new_code,
    new_name,
    new_province_code,
    case
        when old_level = 'district' then 'contained'
        when count(*) over (partition by old_code) > 1 then 'split'
        else 'merged'
    end as mapping,
    -- a split lists the old unit twice: the new unit that keeps its code (else its name, else
    -- the lowest code) is primary, so that figures re-expressed in 2025 units count once
    row_number() over (
        partition by old_code
        order by (new_code = old_code) desc, (new_name = old_name) desc, new_code
    ) = 1 as is_primary,
    legal_basis
from units
order by old_level, old_code, new_code;

comment on table bridge_admin_unit_2025 is 'Đơn vị trước 01/7/2025 → đơn vị từ 01/7/2025 chứa địa bàn của nó: xã theo NQ 1671 (xã sáp nhập 01/12/2024 qua xã kế thừa), huyện và tỉnh cũ nằm trong tỉnh mới — every pre-reform unit code → the 2025 unit its territory belongs to (docs/units.md)';
comment on column bridge_admin_unit_2025.old_code is 'Mã đơn vị trước 01/7/2025 — unit code before 2025-07-01';
comment on column bridge_admin_unit_2025.old_name is 'Tên đơn vị cũ — old unit name';
comment on column bridge_admin_unit_2025.old_level is 'Cấp của đơn vị cũ: province / district / commune — old unit level';
comment on column bridge_admin_unit_2025.new_code is 'Mã đơn vị từ 01/7/2025 (xã, hoặc tỉnh mới với huyện và tỉnh cũ) — unit code from 2025-07-01';
comment on column bridge_admin_unit_2025.new_name is 'Tên đơn vị mới — new unit name';
comment on column bridge_admin_unit_2025.new_province_code is 'Mã tỉnh mới — new province code';
comment on column bridge_admin_unit_2025.mapping is 'merged (nhập trọn vào đơn vị mới) / split (bị chia; is_primary chỉ đơn vị tính vào) / contained (huyện bị bãi bỏ, nằm trong tỉnh mới) — how the old unit maps';
comment on column bridge_admin_unit_2025.is_primary is 'Đơn vị mới chính của đơn vị cũ (giữ mã, hoặc giữ tên) — the one new unit an old unit counts towards';
comment on column bridge_admin_unit_2025.legal_basis is 'Căn cứ pháp lý — legal basis';
