create or replace table quarantine as
select source, source_file, period, row_number, columns, reason, reason_code, raw
from stg_quarantine
order by source, period, source_file, row_number;

comment on table quarantine is 'Dòng bị cách ly kèm lý do — rejected rows with their reasons (personal data masked)';
comment on column quarantine.source is 'Nguồn dữ liệu — source';
comment on column quarantine.source_file is 'Tệp nguồn — landing file';
comment on column quarantine.period is 'Kỳ của tệp — file period';
comment on column quarantine.row_number is 'Số dòng trong tệp (như khi mở tệp) — row number as seen in the file';
comment on column quarantine.columns is 'Cột vi phạm — offending columns';
comment on column quarantine.reason is 'Lý do — readable reason(s)';
comment on column quarantine.reason_code is 'Mã lý do (của lý do đầu tiên) — code of the first reason: join dim_quarantine_reason using (reason_code)';
comment on column quarantine.raw is 'Giá trị gốc dạng JSON (đã bỏ họ tên, số điện thoại; số giấy tờ đã băm) — raw values, personal data masked';
