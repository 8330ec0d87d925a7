create or replace table dim_quarantine_reason as
select reason_code, text_vi, text_en, sort_order
from ref_quarantine_reasons
order by sort_order;

comment on table dim_quarantine_reason is 'Lý do cách ly dòng / từ chối tệp — why a row was quarantined or a file rejected: join quarantine or load_audit using (reason_code)';
comment on column dim_quarantine_reason.reason_code is 'Mã lý do — stable reason code';
comment on column dim_quarantine_reason.text_vi is 'Lý do — reason, Vietnamese';
comment on column dim_quarantine_reason.text_en is 'Reason, English';
comment on column dim_quarantine_reason.sort_order is 'Thứ tự hiển thị — display order';
