create or replace table load_audit as
select
    source,
    source_file,
    sha256,
    period,
    status,
    rows_read,
    rows_loaded,
    rows_quarantined,
    rows_duplicate,
    message,
    nullif(reason_code, '') as reason_code,
    cast(nullif(loaded_at, '') as timestamp) as loaded_at,
    cast(nullif(exported_at, '') as timestamp) as exported_at,
    encoding,
    totals_reconciled,
    totals_message
from stg_audit
order by source, period, source_file;

comment on table load_audit is 'Nhật ký nạp tệp — one row per landing file seen: loaded, superseded (replaced by a later delivery) or rejected';
comment on column load_audit.source is 'Nguồn dữ liệu — source';
comment on column load_audit.source_file is 'Tệp (đường dẫn trong thư mục landing) — file path under landing';
comment on column load_audit.sha256 is 'Mã băm SHA-256 của tệp — file checksum';
comment on column load_audit.period is 'Kỳ của tệp — file period';
comment on column load_audit.status is 'loaded / superseded / rejected — outcome';
comment on column load_audit.rows_read is 'Số dòng dữ liệu đọc được — data rows read';
comment on column load_audit.rows_loaded is 'Số dòng nạp vào kho — rows loaded';
comment on column load_audit.rows_quarantined is 'Số dòng bị cách ly — rows quarantined';
comment on column load_audit.rows_duplicate is 'Số dòng trùng lặp hoàn toàn bị bỏ — exact duplicate rows dropped';
comment on column load_audit.message is 'Thông báo (lý do từ chối, cột thừa…) — message';
comment on column load_audit.reason_code is 'Mã lý do từ chối tệp (NULL nếu nạp được) — why the file was rejected: join dim_quarantine_reason using (reason_code)';
comment on column load_audit.loaded_at is 'Thời điểm nạp — loaded at';
comment on column load_audit.exported_at is 'Thời điểm xuất tệp — export time of the delivery';
comment on column load_audit.encoding is 'Bảng mã của tệp — file encoding';
comment on column load_audit.totals_reconciled is 'Dòng Tổng cộng khớp với tổng các dòng dữ liệu (NULL nếu tệp không có dòng tổng) — totals row matches the data rows';
comment on column load_audit.totals_message is 'Kết quả đối chiếu dòng Tổng cộng (cả hai số khi lệch) — totals reconciliation, both sums when they differ';
