create or replace table fact_welfare_activity as
select
    w.org_code,
    w.activity_date,
    year(w.activity_date) as year,
    w.period,
    w.admin_unit_code,
    u.level,
    -- the district of a report before the 2025 reform (or the province, for its own rows)
    case when w.activity_date < s.reform_date then w.admin_unit_code end as district_code,
    u.unit_code_2025,
    u.unit_2025_mapping,
    w.admin_unit as admin_unit_as_typed,
    w.support_type,
    w.beneficiary_group,
    w.quantity,
    cast(w.value_vnd as decimal(18, 2)) as value_vnd,  -- money: exact, as typed
    w.funding_source,
    w.source_file,
    w.row_number as source_row
from stg_welfare w
cross join ref_scope s
left join dim_admin_unit u
    on u.code = w.admin_unit_code and w.activity_date between u.valid_from and u.valid_to
order by w.activity_date, w.org_code, source_row;

comment on table fact_welfare_activity is 'Hoạt động an sinh xã hội của MTTQ và các đoàn thể, mỗi dòng dữ liệu một dòng — one row per welfare data row';
comment on column fact_welfare_activity.org_code is 'Tổ chức (MTTQ, LDLD, HLHPN, HND, HCCB, DTN; theo tên tệp) — organisation, from the file name';
comment on column fact_welfare_activity.activity_date is 'Ngày thực hiện — activity date';
comment on column fact_welfare_activity.year is 'Năm — year';
comment on column fact_welfare_activity.period is 'Quý của tệp — file quarter';
comment on column fact_welfare_activity.admin_unit_code is 'Mã ĐVHC giải mã từ tên theo ngày: huyện hoặc tỉnh đến 30/6/2025, xã/phường/đặc khu hoặc tỉnh từ 01/7/2025 — unit resolved from the typed name on the activity date';
comment on column fact_welfare_activity.level is 'Cấp của đơn vị: province / district / commune — level of the unit';
comment on column fact_welfare_activity.district_code is 'Mã huyện (hoặc tỉnh) của báo cáo trước 01/7/2025; trống từ khi bỏ cấp huyện — district (or province) code before the 2025 reform';
comment on column fact_welfare_activity.unit_code_2025 is 'Đơn vị từ 01/7/2025 chứa địa bàn của admin_unit_code (huyện cũ: tỉnh mới) — the unit in force since 2025-07-01 the territory belongs to';
comment on column fact_welfare_activity.unit_2025_mapping is 'in_force / merged / split (đơn vị chính) / contained (huyện, tỉnh cũ) — how unit_code_2025 was found';
comment on column fact_welfare_activity.admin_unit_as_typed is 'Đơn vị như người báo cáo ghi — unit as typed';
comment on column fact_welfare_activity.support_type is 'Hình thức hỗ trợ: Tặng quà, Học bổng, Xây mới nhà, Sửa chữa nhà, Hỗ trợ khác — support type';
comment on column fact_welfare_activity.beneficiary_group is 'Đối tượng — beneficiary group';
comment on column fact_welfare_activity.quantity is 'Số lượng (suất quà, suất học bổng, căn nhà…) — quantity';
comment on column fact_welfare_activity.value_vnd is 'Thành tiền (đồng, số thập phân chính xác) — value in VND, an exact decimal';
comment on column fact_welfare_activity.funding_source is 'Nguồn kinh phí — funding source';
comment on column fact_welfare_activity.source_file is 'Tệp nguồn — landing file';
comment on column fact_welfare_activity.source_row is 'Số dòng trong tệp — row in the file';
