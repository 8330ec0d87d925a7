create or replace table mart_service_index_766 as
with scored as (
    select
        period_type,
        period,
        unit_type,
        unit_code,
        sum(points) filter (group_no = 1) as group_1_publicity,
        sum(points) filter (group_no = 2) as group_2_progress,
        sum(points) filter (group_no = 3) as group_3_digitisation,
        sum(points) filter (group_no = 4) as group_4_online,
        sum(points) filter (group_no = 5) as group_5_satisfaction,
        coalesce(sum(points), 0) as total,
        coalesce(sum(points_max) filter (rate is not null), 0) as points_assessable,
        count(*) filter (rate is not null) as indicators_assessable
    from mart_service_index_766_detail
    group by all
)
select
    s.*,
    (select rating from ref_766_bands b where s.total >= b.min_total order by b.min_total desc limit 1)
        as rating,
    b.new_code as unit_code_2025
from scored s
left join bridge_admin_unit_2025 b
    on s.unit_type = 'commune' and b.old_code = s.unit_code and b.is_primary
order by period_type, period, unit_type, unit_code;

comment on table mart_service_index_766 is 'Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg) theo đơn vị và kỳ: điểm 5 nhóm, tổng điểm, xếp loại — Decision 766 service index per unit and period';
comment on column mart_service_index_766.period_type is 'Loại kỳ: month / quarter / year — period type';
comment on column mart_service_index_766.period is 'Kỳ — period';
comment on column mart_service_index_766.unit_type is 'province / provincial_centre / district / commune / agency — unit type';
comment on column mart_service_index_766.unit_code is 'Mã đơn vị — unit code';
comment on column mart_service_index_766.group_1_publicity is 'Nhóm 1 Công khai, minh bạch (tối đa 18) — publicity, out of 18';
comment on column mart_service_index_766.group_2_progress is 'Nhóm 2 Tiến độ (tối đa 20) — progress, out of 20';
comment on column mart_service_index_766.group_3_digitisation is 'Nhóm 3 Số hóa (tối đa 22) — digitisation, out of 22';
comment on column mart_service_index_766.group_4_online is 'Nhóm 4 Dịch vụ trực tuyến (tối đa 22) — online services, out of 22';
comment on column mart_service_index_766.group_5_satisfaction is 'Nhóm 5 Mức độ hài lòng (tối đa 18) — satisfaction, out of 18';
comment on column mart_service_index_766.total is 'Tổng điểm (chỉ tính chỉ tiêu đánh giá được) — total of the assessable points';
comment on column mart_service_index_766.points_assessable is 'Số điểm tối đa của các chỉ tiêu đánh giá được (100 khi đủ dữ liệu) — maximum points that could be assessed';
comment on column mart_service_index_766.indicators_assessable is 'Số chỉ tiêu thành phần đánh giá được (trên 14) — sub-indicators assessable, of 14';
comment on column mart_service_index_766.rating is 'Xếp loại theo tổng điểm (Xuất sắc ≥ 90, Tốt ≥ 80, Khá ≥ 70, Trung bình ≥ 50, Yếu) — rating band';
comment on column mart_service_index_766.unit_code_2025 is 'Mã xã mới từ 01/7/2025 của đơn vị cấp xã (qua bảng chuyển đổi, đơn vị chính) — 2025 commune code, for commune units';
