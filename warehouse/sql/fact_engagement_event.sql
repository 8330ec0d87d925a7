create or replace table fact_engagement_event as
select
    e.event_date,
    year(e.event_date) as year,
    e.period,
    e.event_type,
    lv.level,
    e.level as level_vi,
    e.admin_unit_code,
    u.unit_code_2025,
    u.unit_2025_mapping,
    chair_role,
    chair_group,
    planned,
    outcome,
    outcome = 'Đã thực hiện' as is_held,
    citizens_received,
    opinions_raised,
    opinions_resolved,
    replied_in_time,
    source_file,
    row_number as source_row,
    exported_at
from stg_engagement e
left join dim_level lv on lv.level_vi = e.level
left join dim_admin_unit u
    on u.code = e.admin_unit_code and e.event_date between u.valid_from and u.valid_to
order by e.event_date, lv.level, e.admin_unit_code;

comment on table fact_engagement_event is 'Buổi tiếp công dân và đối thoại, mỗi buổi một dòng — one row per citizen reception or dialogue event';
comment on column fact_engagement_event.event_date is 'Ngày tổ chức — event date';
comment on column fact_engagement_event.year is 'Năm — year';
comment on column fact_engagement_event.period is 'Quý của tệp (yyyy-Qn) — file quarter';
comment on column fact_engagement_event.event_type is 'Hình thức: Tiếp công dân định kỳ / đột xuất / Đối thoại — event type';
comment on column fact_engagement_event.level is 'Cấp: province / district (đến 30/6/2025) / commune — level (dim_level)';
comment on column fact_engagement_event.level_vi is 'Cấp như trong tệp: Tỉnh, Huyện, Xã, Đặc khu — level as exported';
comment on column fact_engagement_event.unit_code_2025 is 'Đơn vị từ 01/7/2025 chứa địa bàn của admin_unit_code (xem unit_2025_mapping) — the unit in force since 2025-07-01 the territory belongs to';
comment on column fact_engagement_event.unit_2025_mapping is 'in_force / merged / split (đơn vị chính) / contained (huyện, tỉnh cũ) — how unit_code_2025 was found';
comment on column fact_engagement_event.admin_unit_code is 'Mã ĐVHC (hợp lệ vào ngày tổ chức) — unit code valid on the date';
comment on column fact_engagement_event.chair_role is 'Người chủ trì như ghi trong tệp — chair as written';
comment on column fact_engagement_event.chair_group is 'Chức danh chủ trì chuẩn hóa (Bí thư, Phó Bí thư, Chủ tịch UBND, Phó Chủ tịch UBND, Chủ tịch UBMTTQ, Khác) — normalised chair role';
comment on column fact_engagement_event.planned is 'Theo kế hoạch — scheduled in the plan';
comment on column fact_engagement_event.outcome is 'Kết quả: Đã thực hiện / Hoãn / Hủy — outcome';
comment on column fact_engagement_event.is_held is 'Đã thực hiện — the event was held';
comment on column fact_engagement_event.citizens_received is 'Số lượt công dân — citizens received';
comment on column fact_engagement_event.opinions_raised is 'Số ý kiến, kiến nghị — opinions raised';
comment on column fact_engagement_event.opinions_resolved is 'Số đã giải quyết, trả lời — opinions resolved or answered';
comment on column fact_engagement_event.replied_in_time is 'Số trả lời bằng văn bản trong 10 ngày làm việc (QĐ 11-QĐi/TW) — written replies in time';
comment on column fact_engagement_event.source_file is 'Tệp nguồn — landing file';
comment on column fact_engagement_event.source_row is 'Số dòng trong tệp — row in the file';
comment on column fact_engagement_event.exported_at is 'Thời điểm xuất tệp — export time of the delivery';
