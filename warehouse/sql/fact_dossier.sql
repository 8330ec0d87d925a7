create or replace table fact_dossier as
with repeated as (
    select dossier_code from stg_dossiers group by 1 having count(*) > 1
),
latest as (
    -- a dossier listed in two monthly files (mis-dated re-export) counts once: latest export
    -- wins. Only the repeated codes go through the window (10M rows: 28 s → 10 s).
    select * from stg_dossiers where dossier_code not in (select dossier_code from repeated)
    union all
    select * from stg_dossiers where dossier_code in (select dossier_code from repeated)
    qualify row_number() over (
        partition by dossier_code order by exported_at desc, period desc, row_number desc
    ) = 1
),
derived as (
    select
        *,
        due_at + to_seconds(cast(round(supplement_wait_days * 86400) as bigint)) as due_effective_at,
        status_code not in (1, 3) as is_received,
        status_code in (7, 8, 9, 10) and finished_at is not null as is_finished
    from latest
)
select
    d.dossier_code,
    d.procedure_code,
    d.procedure_name,
    d.agency_code,
    d.admin_unit_code,
    d.level,
    d.channel,
    d.submitted_at,
    d.received_at,
    d.due_at,
    d.finished_at,
    d.returned_at,
    d.status_code,
    d.supplement_count,
    d.supplement_wait_days,
    d.inputs_digitized,
    d.e_result,
    d.online_payment,
    d.rating,
    d.applicant_key,
    d.period,
    d.source_file,
    d.row_number as source_row,
    d.exported_at,
    d.due_effective_at,
    d.is_received,
    d.is_finished,
    case
        when d.is_finished and (d.supplement_count > 1 or d.finished_at > d.due_effective_at) then 'late'
        when d.is_finished and cast(d.finished_at as date) < cast(d.due_effective_at as date) then 'early'
        when d.is_finished then 'on_time'
        when d.is_received and d.exported_at > d.due_effective_at then 'overdue'
        when d.is_received then 'in_progress'
    end as timeliness,
    case when d.is_finished then date_diff('second', d.received_at, d.finished_at) / 86400.0 end
        as processing_days,
    p.procedure_code is not null as procedure_known,
    a.agency_code is not null as agency_known,
    coalesce(p.field, 'Không xác định') as procedure_field,
    coalesce(p.has_fee, false) as procedure_has_fee,
    coalesce(p.online_level is not null, false) as procedure_has_online_service
from derived d
left join dim_procedure p on p.procedure_code = d.procedure_code
left join dim_agency a on a.agency_code = d.agency_code;

comment on table fact_dossier is 'Hồ sơ TTHC, mỗi hồ sơ một dòng (lần xuất mới nhất) — one row per dossier, latest delivery wins; no personal data';
comment on column fact_dossier.dossier_code is 'Mã hồ sơ — dossier code';
comment on column fact_dossier.procedure_code is 'Mã TTHC (bỏ hậu tố .H60) — procedure code';
comment on column fact_dossier.procedure_name is 'Tên TTHC như trong tệp — procedure name as exported';
comment on column fact_dossier.agency_code is 'Mã cơ quan giải quyết — handling agency code';
comment on column fact_dossier.admin_unit_code is 'Mã ĐVHC (hợp lệ vào ngày tiếp nhận) — unit code, valid on the receipt date';
comment on column fact_dossier.level is 'Cấp thực hiện: Tỉnh (Trung tâm PVHCC tỉnh), Huyện, Xã — level';
comment on column fact_dossier.channel is 'Kênh nộp: 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích — channel';
comment on column fact_dossier.submitted_at is 'Ngày nộp — submitted at';
comment on column fact_dossier.received_at is 'Ngày tiếp nhận — received at';
comment on column fact_dossier.due_at is 'Ngày hẹn trả — due at';
comment on column fact_dossier.finished_at is 'Ngày kết thúc xử lý — finished at';
comment on column fact_dossier.returned_at is 'Ngày trả kết quả — result returned at';
comment on column fact_dossier.status_code is 'Trạng thái (mã đồng bộ quốc gia 1–10) — status code at export';
comment on column fact_dossier.supplement_count is 'Số lần yêu cầu bổ sung — number of supplement requests';
comment on column fact_dossier.supplement_wait_days is 'Số ngày chờ bổ sung (tạm dừng tính hạn) — days the clock was paused';
comment on column fact_dossier.inputs_digitized is 'Thành phần hồ sơ được số hóa — inputs digitised';
comment on column fact_dossier.e_result is 'Có kết quả điện tử — electronic result issued';
comment on column fact_dossier.online_payment is 'Thanh toán trực tuyến: 0 không, 1 Cổng DVCQG, 2 cổng tỉnh — online payment';
comment on column fact_dossier.rating is 'Đánh giá mức độ hài lòng — citizen rating';
comment on column fact_dossier.applicant_key is 'Mã băm HMAC-SHA256 của số giấy tờ (không phải số thật) — keyed hash of the applicant ID number';
comment on column fact_dossier.period is 'Kỳ của tệp (tháng tiếp nhận, yyyy-MM) — file period';
comment on column fact_dossier.source_file is 'Tệp nguồn — landing file';
comment on column fact_dossier.source_row is 'Số dòng trong tệp nguồn — row number in the file';
comment on column fact_dossier.exported_at is 'Thời điểm xuất tệp (dấu thời gian trong tên tệp) — export time of the delivery';
comment on column fact_dossier.due_effective_at is 'Hạn trả cộng thời gian chờ bổ sung — due date plus supplement wait';
comment on column fact_dossier.is_received is 'Đã được tiếp nhận (trạng thái khác 1, 3) — received';
comment on column fact_dossier.is_finished is 'Đã kết thúc (trạng thái 7–10) — finished';
comment on column fact_dossier.timeliness is 'early (trước hạn) / on_time (đúng hạn) / late (trễ hạn; hoặc bổ sung > 1 lần) / in_progress / overdue (quá hạn khi xuất) — timeliness';
comment on column fact_dossier.processing_days is 'Số ngày xử lý (lịch) từ tiếp nhận đến kết thúc — calendar days received → finished';
comment on column fact_dossier.procedure_known is 'Mã TTHC có trong danh mục — procedure code found in the catalogue';
comment on column fact_dossier.agency_known is 'Mã cơ quan có trong danh sách — agency code found in dim_agency';
comment on column fact_dossier.procedure_field is 'Lĩnh vực của TTHC (Không xác định nếu ngoài danh mục) — procedure field';
comment on column fact_dossier.procedure_has_fee is 'TTHC có phí, lệ phí — procedure has a fee';
comment on column fact_dossier.procedure_has_online_service is 'TTHC có DVCTT — procedure has an online service';
