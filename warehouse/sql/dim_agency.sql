create or replace table dim_agency as
select agency_code, agency_name, level, level_vi, admin_unit_code, valid_from, valid_to
from ref_agencies
order by agency_code;

comment on table dim_agency is 'Cơ quan giải quyết TTHC — agencies that handle procedures and feedback (landing/reference/agencies.csv, else the sample list in the portal namespace H36)';
comment on column dim_agency.agency_code is 'Mã cơ quan — agency code';
comment on column dim_agency.agency_name is 'Tên cơ quan — agency name';
comment on column dim_agency.level is 'Cấp: province / district / commune, như dim_level.level — level code';
comment on column dim_agency.level_vi is 'Cấp như trong danh sách (Tỉnh/Huyện/Xã/Đặc khu) — level label of the list';
comment on column dim_agency.admin_unit_code is 'Mã ĐVHC nơi cơ quan đặt trụ sở — unit code of the agency';
comment on column dim_agency.valid_from is 'Hoạt động từ ngày; NULL = trước 2021 — in operation from (NULL: since before 2021)';
comment on column dim_agency.valid_to is 'Hoạt động đến ngày; NULL = còn hoạt động — in operation until (NULL: still)';
