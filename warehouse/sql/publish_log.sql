create table if not exists publish_log (run_id varchar, published_at timestamp);

comment on table publish_log is 'Nhật ký công bố kho dữ liệu — one row per publish of reporting.duckdb (all tables come from the same publish)';
comment on column publish_log.run_id is 'Mã lượt chạy Dagster — Dagster run id of the publish';
comment on column publish_log.published_at is 'Thời điểm công bố (giờ địa phương) — publish time, local';
