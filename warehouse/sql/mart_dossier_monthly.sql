-- INDICATORS.md §A, per month. A dossier counts as 'received' in its receipt month, 'finished'
-- in its finishing month, and 'open' at the end of every month it was received by and not yet
-- finished (up to the month of its export). Each kind is aggregated on its own, then the three
-- are joined on (month, level, agency, unit, field): no 22M-row union at 10M dossiers.
create or replace table mart_dossier_monthly as
with months as (
    select cast(m as date) as month_start, cast(m + interval 1 month as date) as month_end
    from range(
        (select date_trunc('month', min(received_at)) from fact_dossier),
        (select date_trunc('month', max(greatest(received_at, coalesce(finished_at, received_at))))
            + interval 1 month from fact_dossier),
        interval 1 month
    ) as r(m)
),
received as (
    select
        cast(date_trunc('month', received_at) as date) as month_start,
        level, agency_code, admin_unit_code, unit_code_2025, procedure_field,
        count(*) as received,
        count(*) filter (channel = 2) as received_online,
        count(*) filter (channel = 1) as received_direct,
        count(*) filter (channel = 3) as received_postal,
        count(*) filter (inputs_digitized) as received_digitized,
        count(*) filter (procedure_has_fee) as received_with_fee,
        count(*) filter (procedure_has_fee and online_payment in (1, 2)) as paid_online
    from fact_dossier
    where is_received
    group by all
),
finished as (
    select
        cast(date_trunc('month', finished_at) as date) as month_start,
        level, agency_code, admin_unit_code, unit_code_2025, procedure_field,
        count(*) as finished,
        count(*) filter (timeliness = 'early') as finished_early,
        count(*) filter (timeliness = 'on_time') as finished_on_time,
        count(*) filter (timeliness = 'late') as finished_late,
        count(*) filter (status_code in (9, 10)) as finished_with_result,
        count(*) filter (status_code in (9, 10) and e_result) as e_results,
        count(*) filter (rating = 'Không hài lòng') as rated_not_satisfied,
        -- whole seconds add up exactly, whatever the row order: the same data, the same average
        sum(date_diff('second', received_at, finished_at)) as processing_seconds,
        sum(processing_working_days) as processing_working_days
    from fact_dossier
    where is_finished
    group by all
),
open as (
    select
        m.month_start, f.level, f.agency_code, f.admin_unit_code, f.unit_code_2025,
        f.procedure_field,
        count(*) as in_progress,
        -- a dossier waiting for the applicant's supplement (status 5 at its export) is paused,
        -- not overdue (INDICATORS §A)
        count(*) filter (m.month_end > f.due_effective_at and not f.is_paused)
            as in_progress_overdue,
        count(*) filter (f.is_paused) as in_progress_paused
    from fact_dossier f
    join months m
        on f.received_at < m.month_end
        and (not f.is_finished or f.finished_at >= m.month_end)
        and m.month_end <= date_trunc('month', f.exported_at) + interval 1 month
    where f.is_received
    group by all
),
cells as (
    select month_start, level, agency_code, admin_unit_code, unit_code_2025, procedure_field
    from received
    union
    select month_start, level, agency_code, admin_unit_code, unit_code_2025, procedure_field
    from finished
    union
    select month_start, level, agency_code, admin_unit_code, unit_code_2025, procedure_field
    from open
),
counts as (
    select
        strftime(c.month_start, '%Y-%m') as period,
        c.level,
        c.agency_code,
        c.admin_unit_code,
        c.unit_code_2025,
        c.procedure_field,
        coalesce(r.received, 0) as received,
        coalesce(r.received_online, 0) as received_online,
        coalesce(r.received_direct, 0) as received_direct,
        coalesce(r.received_postal, 0) as received_postal,
        coalesce(x.finished, 0) as finished,
        coalesce(x.finished_early, 0) as finished_early,
        coalesce(x.finished_on_time, 0) as finished_on_time,
        coalesce(x.finished_late, 0) as finished_late,
        coalesce(o.in_progress, 0) as in_progress,
        coalesce(o.in_progress_overdue, 0) as in_progress_overdue,
        coalesce(r.received_digitized, 0) as received_digitized,
        coalesce(x.finished_with_result, 0) as finished_with_result,
        coalesce(x.e_results, 0) as e_results,
        coalesce(r.received_with_fee, 0) as received_with_fee,
        coalesce(r.paid_online, 0) as paid_online,
        coalesce(x.rated_not_satisfied, 0) as rated_not_satisfied,
        x.processing_seconds,
        coalesce(o.in_progress_paused, 0) as in_progress_paused,
        x.processing_working_days
    from cells c
    left join received r using (month_start, level, agency_code, admin_unit_code, unit_code_2025, procedure_field)
    left join finished x using (month_start, level, agency_code, admin_unit_code, unit_code_2025, procedure_field)
    left join open o using (month_start, level, agency_code, admin_unit_code, unit_code_2025, procedure_field)
),
monthly as (
select
    period,
    level,
    agency_code,
    admin_unit_code,
    unit_code_2025,
    procedure_field,
    received,
    received_online,
    received_direct,
    received_postal,
    received_online / nullif(received, 0) as online_share,
    finished,
    finished_early,
    finished_on_time,
    finished_late,
    finished_early + finished_on_time as finished_in_time,
    (finished_early + finished_on_time) / nullif(finished, 0) as on_time_rate,
    in_progress,
    in_progress_overdue,
    finished_early + finished_on_time + in_progress - in_progress_overdue as progress_766_in_time,
    finished + in_progress as progress_766_base,
    (finished_early + finished_on_time + in_progress - in_progress_overdue)
        / nullif(finished + in_progress, 0) as rate_766_progress,
    received_digitized,
    received_digitized / nullif(received, 0) as input_digitization_rate,
    finished_with_result,
    e_results,
    e_results / nullif(finished_with_result, 0) as e_result_rate,
    received_with_fee,
    paid_online,
    paid_online / nullif(received_with_fee, 0) as online_payment_rate,
    rated_not_satisfied,
    finished_late + in_progress_overdue + rated_not_satisfied as satisfaction_766_deductions,
    -- a late dossier may also be rated badly: never below 0
    greatest(1 - (finished_late + in_progress_overdue + rated_not_satisfied)
        / nullif(finished + in_progress, 0), 0) as satisfaction_766,
    processing_seconds,
    processing_seconds / nullif(finished, 0) / 86400.0 as avg_processing_days,
    in_progress_paused,
    processing_working_days,
    processing_working_days / nullif(finished, 0) as avg_processing_working_days
from counts
)
select * from monthly
order by period, level, agency_code, admin_unit_code, unit_code_2025, procedure_field;

comment on table mart_dossier_monthly is 'Chỉ tiêu hồ sơ TTHC theo tháng (INDICATORS §A) — dossier indicators per month × level × agency × unit × procedure field';
comment on column mart_dossier_monthly.period is 'Tháng (yyyy-MM) — month';
comment on column mart_dossier_monthly.level is 'Cấp thực hiện: province (Trung tâm PVHCC tỉnh) / district / commune — level (dim_level)';
comment on column mart_dossier_monthly.agency_code is 'Mã cơ quan — agency code';
comment on column mart_dossier_monthly.admin_unit_code is 'Mã ĐVHC — unit code';
comment on column mart_dossier_monthly.procedure_field is 'Lĩnh vực TTHC — procedure field';
comment on column mart_dossier_monthly.received is 'Số hồ sơ tiếp nhận trong tháng (trạng thái khác 1, 3) — dossiers received';
comment on column mart_dossier_monthly.received_online is 'Tiếp nhận trực tuyến (kênh 2) — received online';
comment on column mart_dossier_monthly.received_direct is 'Tiếp nhận trực tiếp (kênh 1) — received in person';
comment on column mart_dossier_monthly.received_postal is 'Tiếp nhận qua bưu chính công ích (kênh 3) — received by post';
comment on column mart_dossier_monthly.online_share is 'Tỷ lệ trực tuyến = trực tuyến ÷ tiếp nhận — online share';
comment on column mart_dossier_monthly.finished is 'Số hồ sơ kết thúc trong tháng (trạng thái 7–10) — dossiers finished';
comment on column mart_dossier_monthly.finished_early is 'Kết thúc trước hạn (ngày kết thúc < ngày hẹn) — finished early';
comment on column mart_dossier_monthly.finished_on_time is 'Kết thúc đúng hạn — finished on time';
comment on column mart_dossier_monthly.finished_late is 'Kết thúc trễ hạn (hoặc bổ sung quá 1 lần) — finished late';
comment on column mart_dossier_monthly.on_time_rate is 'Tỷ lệ đúng hạn = (trước hạn + đúng hạn) ÷ kết thúc — on-time rate (press-release rate)';
comment on column mart_dossier_monthly.in_progress is 'Đang giải quyết cuối tháng — in progress at month end';
comment on column mart_dossier_monthly.in_progress_overdue is 'Đang giải quyết đã quá hạn cuối tháng (trừ hồ sơ đang chờ bổ sung) — in progress and overdue at month end, paused dossiers excepted';
comment on column mart_dossier_monthly.rate_766_progress is 'Tiến độ (QĐ 766) = (kết thúc đúng hạn + đang giải quyết trong hạn) ÷ (kết thúc + đang giải quyết) — progress rate';
comment on column mart_dossier_monthly.received_digitized is 'Hồ sơ tiếp nhận có thành phần số hóa — received with digitised inputs';
comment on column mart_dossier_monthly.input_digitization_rate is 'Tỷ lệ số hóa hồ sơ = số hóa ÷ tiếp nhận — input digitisation rate';
comment on column mart_dossier_monthly.finished_with_result is 'Kết thúc có kết quả (trạng thái 9, 10) — finished with a result';
comment on column mart_dossier_monthly.e_results is 'Có kết quả điện tử — with an electronic result';
comment on column mart_dossier_monthly.e_result_rate is 'Tỷ lệ kết quả điện tử = điện tử ÷ kết thúc có kết quả — e-result rate';
comment on column mart_dossier_monthly.received_with_fee is 'Tiếp nhận thuộc TTHC có phí — received for procedures with a fee';
comment on column mart_dossier_monthly.paid_online is 'Trong đó thanh toán trực tuyến — of which paid online';
comment on column mart_dossier_monthly.online_payment_rate is 'Tỷ lệ thanh toán trực tuyến — online payment rate';
comment on column mart_dossier_monthly.rated_not_satisfied is 'Hồ sơ kết thúc bị đánh giá Không hài lòng — finished dossiers rated not satisfied';
comment on column mart_dossier_monthly.satisfaction_766 is 'Mức độ hài lòng (QĐ 766) = 1 − (trễ hạn + quá hạn + không hài lòng) ÷ (kết thúc + đang giải quyết) — satisfaction';
comment on column mart_dossier_monthly.avg_processing_days is 'Số ngày xử lý bình quân (ngày lịch, kể cả chờ bổ sung) của hồ sơ kết thúc — average processing time, calendar days';
comment on column mart_dossier_monthly.in_progress_paused is 'Đang giải quyết cuối tháng mà đang chờ công dân bổ sung (trạng thái 5 khi xuất): tạm dừng, không tính quá hạn — in progress at month end and paused for the applicant''s supplement';
comment on column mart_dossier_monthly.avg_processing_working_days is 'Số ngày làm việc xử lý bình quân của hồ sơ kết thúc, không tính thời gian chờ bổ sung (đơn vị của thời hạn giải quyết) — average processing time in working days, supplement wait excluded';
comment on column mart_dossier_monthly.unit_code_2025 is 'Đơn vị từ 01/7/2025 chứa địa bàn (fact_dossier.unit_code_2025); cộng số đếm theo cột này để đọc theo đơn vị hiện hành — the 2025 unit; sum the counts by it to read the month in today''s units';
comment on column mart_dossier_monthly.finished_in_time is 'Số hồ sơ giải quyết trước và đúng hạn (tử số của on_time_rate, mẫu số: finished) — finished early or on time: the numerator of on_time_rate';
comment on column mart_dossier_monthly.progress_766_in_time is 'Tử số của rate_766_progress: đã giải quyết đúng hạn + đang giải quyết chưa quá hạn — numerator of rate_766_progress';
comment on column mart_dossier_monthly.progress_766_base is 'Mẫu số của rate_766_progress và satisfaction_766: đã giải quyết + đang giải quyết — denominator of rate_766_progress and satisfaction_766';
comment on column mart_dossier_monthly.satisfaction_766_deductions is 'Trễ hạn + quá hạn đang giải quyết + không hài lòng (satisfaction_766 = 1 − số này ÷ progress_766_base) — late, overdue open and not-satisfied dossiers: what satisfaction_766 deducts';
comment on column mart_dossier_monthly.processing_seconds is 'Tổng thời gian xử lý (giây) của hồ sơ kết thúc trong tháng (tử số của avg_processing_days, mẫu số: finished) — total processing time of the dossiers finished, in seconds: the numerator of avg_processing_days';
comment on column mart_dossier_monthly.processing_working_days is 'Tổng số ngày làm việc xử lý của hồ sơ kết thúc trong tháng (tử số của avg_processing_working_days) — total working days of the dossiers finished: the numerator of avg_processing_working_days';
