create or replace table mart_welfare_yearly as
select
    w.year,
    org_code,
    admin_unit_code,
    level,
    district_code,
    unit_code_2025,
    support_type,
    count(*) as activities,
    sum(quantity) as quantity,
    sum(value_vnd) as value_vnd,
    coalesce(any_value(c.months_covered), 0) as months_covered,
    coalesce(any_value(c.is_complete), false) as is_complete
from fact_welfare_activity w
left join mart_source_coverage c on c.year = w.year and c.source = 'welfare'
group by all
order by w.year, org_code, admin_unit_code, support_type;

comment on table mart_welfare_yearly is 'An sinh xã hội theo năm, tổ chức, đơn vị (huyện đến 30/6/2025, xã từ 01/7/2025), hình thức — welfare per year × organisation × unit × support type, one grain: its rows add up to fact_welfare_activity';
comment on column mart_welfare_yearly.year is 'Năm — year';
comment on column mart_welfare_yearly.org_code is 'Tổ chức — organisation';
comment on column mart_welfare_yearly.admin_unit_code is 'Mã ĐVHC của báo cáo (huyện hoặc tỉnh đến 30/6/2025; xã, phường, đặc khu hoặc tỉnh từ 01/7/2025) — reported unit';
comment on column mart_welfare_yearly.level is 'Cấp của đơn vị: province / district / commune — level';
comment on column mart_welfare_yearly.district_code is 'Mã huyện (hoặc tỉnh) trước 01/7/2025; trống sau đó — district before the reform';
comment on column mart_welfare_yearly.unit_code_2025 is 'Đơn vị từ 01/7/2025 chứa địa bàn (huyện cũ: tỉnh mới) — 2025 unit of the territory';
comment on column mart_welfare_yearly.support_type is 'Hình thức hỗ trợ — support type';
comment on column mart_welfare_yearly.activities is 'Số dòng hoạt động — activity rows';
comment on column mart_welfare_yearly.quantity is 'Số lượng — quantity';
comment on column mart_welfare_yearly.value_vnd is 'Thành tiền (đồng) — value in VND';
comment on column mart_welfare_yearly.months_covered is 'Số tháng của năm có dữ liệu welfare (mart_source_coverage) — months of the year the welfare rows cover';
comment on column mart_welfare_yearly.is_complete is 'Đủ 12 tháng; false: năm chưa đủ, không so sánh như năm đủ — the whole year is covered; false: a partial year';
