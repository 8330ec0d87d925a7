create or replace table fact_feedback as
with latest as (
    select * from stg_feedback
    qualify row_number() over (
        partition by feedback_code order by exported_at desc, period desc, row_number desc
    ) = 1
)
select
    f.feedback_code,
    f.received_at,
    f.channel,
    f.field,
    f.agency_code,
    f.admin_unit_code,
    u.unit_code_2025,
    u.unit_2025_mapping,
    f.due_at,
    f.handled_at,
    f.status,
    f.reaction,
    f.repeat_complaint,
    f.status in ('Đã xử lý', 'Từ chối') and f.handled_at is not null as is_handled,
    f.status in ('Đã xử lý', 'Từ chối') and f.handled_at is not null and f.handled_at <= f.due_at
        as handled_on_time,
    a.agency_code is not null as agency_known,
    f.period,
    f.source_file,
    f.row_number as source_row,
    f.exported_at
from latest f
left join dim_agency a on a.agency_code = f.agency_code
left join dim_admin_unit u
    on u.code = f.admin_unit_code and cast(f.received_at as date) between u.valid_from and u.valid_to
order by f.received_at, f.feedback_code;

comment on table fact_feedback is 'Phản ánh, kiến nghị (PAKN), mỗi phản ánh một dòng — one row per citizen feedback item';
comment on column fact_feedback.feedback_code is 'Mã PAKN — feedback code';
comment on column fact_feedback.received_at is 'Ngày tiếp nhận — received at';
comment on column fact_feedback.channel is 'Kênh tiếp nhận — channel';
comment on column fact_feedback.field is 'Lĩnh vực — field';
comment on column fact_feedback.agency_code is 'Mã cơ quan xử lý — handling agency';
comment on column fact_feedback.admin_unit_code is 'Mã ĐVHC (hợp lệ vào ngày tiếp nhận) — unit code, valid on the receipt date';
comment on column fact_feedback.unit_code_2025 is 'Đơn vị từ 01/7/2025 chứa địa bàn của admin_unit_code (xem unit_2025_mapping) — the unit in force since 2025-07-01 the territory belongs to';
comment on column fact_feedback.unit_2025_mapping is 'in_force / merged / split (đơn vị chính) / contained (huyện, tỉnh cũ) — how unit_code_2025 was found';
comment on column fact_feedback.due_at is 'Hạn xử lý — due at';
comment on column fact_feedback.handled_at is 'Ngày xử lý xong — handled at';
comment on column fact_feedback.status is 'Trạng thái: Đã xử lý / Đang xử lý / Từ chối — status';
comment on column fact_feedback.reaction is 'Đánh giá của người dân — citizen reaction';
comment on column fact_feedback.repeat_complaint is 'Khiếu nại lại — repeat complaint';
comment on column fact_feedback.is_handled is 'Đã xử lý (Đã xử lý hoặc Từ chối, có ngày xử lý) — handled';
comment on column fact_feedback.handled_on_time is 'Xử lý đúng hạn (ngày xử lý ≤ hạn) — handled on time';
comment on column fact_feedback.agency_known is 'Mã cơ quan có trong danh sách — agency found in dim_agency';
comment on column fact_feedback.period is 'Tháng của tệp — file month';
comment on column fact_feedback.source_file is 'Tệp nguồn — landing file';
comment on column fact_feedback.source_row is 'Số dòng trong tệp — row in the file';
comment on column fact_feedback.exported_at is 'Thời điểm xuất tệp — export time';
