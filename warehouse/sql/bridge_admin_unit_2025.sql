create or replace table bridge_admin_unit_2025 as
with direct as (
    select old_code, old_name, new_code, new_name, new_province_code, legal_basis
    from ref_admin_unit_changes
    where effective_date = date '2025-07-01'
),
-- communes merged on 2024-12-01 reach their 2025 unit through their 2024-12-01 successor,
-- so that figures of 2024 before the merger are comparable too
chained as (
    select m.old_code, m.old_name, d.new_code, d.new_name, d.new_province_code,
        m.legal_basis || ', ' || d.legal_basis as legal_basis
    from ref_admin_unit_changes m
    join direct d on d.old_code = m.new_code
    where m.effective_date = date '2024-12-01'
        and m.old_code not in (select old_code from direct)
),
bridge as (select * from direct union all select * from chained)
select
    old_code,
    old_name,
    new_code,
    new_name,
    new_province_code,
    -- a split lists the old unit twice; the new unit that keeps its name (else the first listed)
    -- is primary, so figures re-expressed in 2025 units are counted once
    row_number() over (
        partition by old_code order by (new_name = old_name) desc, new_code
    ) = 1 as is_primary,
    legal_basis
from bridge
order by old_code, new_code;

comment on table bridge_admin_unit_2025 is 'Bảng chuyển đổi xã cũ → xã mới từ 01/7/2025 (NQ 1671; các xã sáp nhập 01/12/2024 theo NQ 1253 qua xã kế thừa) — old commune code → 2025 commune code, communes merged on 2024-12-01 through their successor';
comment on column bridge_admin_unit_2025.old_code is 'Mã xã trước 01/7/2025 — commune code before 2025-07-01';
comment on column bridge_admin_unit_2025.old_name is 'Tên xã cũ — old commune name';
comment on column bridge_admin_unit_2025.new_code is 'Mã xã mới từ 01/7/2025 — new commune code';
comment on column bridge_admin_unit_2025.new_name is 'Tên xã mới — new commune name';
comment on column bridge_admin_unit_2025.new_province_code is 'Mã tỉnh mới (68 Lâm Đồng) — new province code';
comment on column bridge_admin_unit_2025.is_primary is 'Đơn vị mới chính khi xã cũ bị chia — the one new unit an old unit counts towards when it was split';
comment on column bridge_admin_unit_2025.legal_basis is 'Căn cứ pháp lý — legal basis';
