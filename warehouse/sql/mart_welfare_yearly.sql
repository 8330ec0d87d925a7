create or replace table mart_welfare_yearly as
select
    year,
    org_code,
    district_code,
    support_type,
    count(*) as activities,
    sum(quantity) as quantity,
    sum(value_vnd) as value_vnd
from fact_welfare_activity
group by all
order by year, org_code, district_code, support_type;

comment on table mart_welfare_yearly is 'An sinh xã hội theo năm, tổ chức, huyện, hình thức — welfare per year × organisation × district × support type';
comment on column mart_welfare_yearly.year is 'Năm — year';
comment on column mart_welfare_yearly.org_code is 'Tổ chức — organisation';
comment on column mart_welfare_yearly.district_code is 'Mã huyện (60 = cấp tỉnh) — district code';
comment on column mart_welfare_yearly.support_type is 'Hình thức hỗ trợ — support type';
comment on column mart_welfare_yearly.activities is 'Số dòng hoạt động — activity rows';
comment on column mart_welfare_yearly.quantity is 'Số lượng — quantity';
comment on column mart_welfare_yearly.value_vnd is 'Thành tiền (đồng) — value in VND';
