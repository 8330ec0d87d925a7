create or replace table dim_agency as
select agency_code, agency_name, level, admin_unit_code
from ref_agencies
order by agency_code;

comment on table dim_agency is 'Cơ quan giải quyết TTHC — agencies that handle procedures and feedback (landing/reference/agencies.csv, else the sample list)';
comment on column dim_agency.agency_code is 'Mã cơ quan — agency code';
comment on column dim_agency.agency_name is 'Tên cơ quan — agency name';
comment on column dim_agency.level is 'Cấp (Tỉnh/Huyện/Xã) — level';
comment on column dim_agency.admin_unit_code is 'Mã ĐVHC nơi cơ quan đặt trụ sở — unit code of the agency';
