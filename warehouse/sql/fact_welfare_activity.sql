create or replace table fact_welfare_activity as
select
    org_code,
    activity_date,
    year(activity_date) as year,
    period,
    district_code,
    admin_unit as admin_unit_as_typed,
    support_type,
    beneficiary_group,
    quantity,
    cast(value_vnd as decimal(18, 2)) as value_vnd,  -- money: exact, as typed
    funding_source,
    source_file,
    row_number as source_row
from stg_welfare
order by activity_date, org_code, source_row;

comment on table fact_welfare_activity is 'Hoạt động an sinh xã hội của MTTQ và các đoàn thể, mỗi dòng dữ liệu một dòng — one row per welfare data row';
comment on column fact_welfare_activity.org_code is 'Tổ chức (MTTQ, LDLD, HLHPN, HND, HCCB, DTN; theo tên tệp) — organisation, from the file name';
comment on column fact_welfare_activity.activity_date is 'Ngày thực hiện — activity date';
comment on column fact_welfare_activity.year is 'Năm — year';
comment on column fact_welfare_activity.period is 'Quý của tệp — file quarter';
comment on column fact_welfare_activity.district_code is 'Mã ĐVHC cấp huyện (60 = cấp tỉnh) đã giải mã từ tên — district code resolved from the typed name';
comment on column fact_welfare_activity.admin_unit_as_typed is 'Đơn vị như người báo cáo ghi — unit as typed';
comment on column fact_welfare_activity.support_type is 'Hình thức hỗ trợ: Tặng quà, Học bổng, Xây mới nhà, Sửa chữa nhà, Hỗ trợ khác — support type';
comment on column fact_welfare_activity.beneficiary_group is 'Đối tượng — beneficiary group';
comment on column fact_welfare_activity.quantity is 'Số lượng (suất quà, suất học bổng, căn nhà…) — quantity';
comment on column fact_welfare_activity.value_vnd is 'Thành tiền (đồng, số thập phân chính xác) — value in VND, an exact decimal';
comment on column fact_welfare_activity.funding_source is 'Nguồn kinh phí — funding source';
comment on column fact_welfare_activity.source_file is 'Tệp nguồn — landing file';
comment on column fact_welfare_activity.source_row is 'Số dòng trong tệp — row in the file';
