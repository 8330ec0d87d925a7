create or replace table dim_organisation as
select code as org_code, name_vi, name_en, sort_order
from ref_lookups
where lookup = 'organisation'
order by sort_order;

comment on table dim_organisation is 'MTTQ và các tổ chức chính trị - xã hội — the Fatherland Front and mass organisations: join fact_welfare_activity or mart_welfare_yearly using (org_code)';
comment on column dim_organisation.org_code is 'Mã tổ chức (trong tên tệp an_sinh_<ORG>_…) — organisation code';
comment on column dim_organisation.name_vi is 'Tên tổ chức — organisation, Vietnamese';
comment on column dim_organisation.name_en is 'Organisation, English';
comment on column dim_organisation.sort_order is 'Thứ tự hiển thị — display order';
