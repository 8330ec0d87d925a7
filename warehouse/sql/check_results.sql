create or replace table check_results (
    check_name varchar,
    asset varchar,
    kind varchar,
    passed boolean,
    severity varchar,
    blocking boolean,
    violations bigint,
    message varchar,
    description varchar,
    details varchar,
    checked_at timestamp
);

comment on table check_results is 'Kết quả kiểm tra chất lượng dữ liệu của chính bản công bố này — the result of every data check on the rows of this publish (table checks and Great Expectations suites), evaluated on the build just before it was copied';
comment on column check_results.check_name is 'Tên phép kiểm tra (như trong Dagster) — check name, as in the Dagster UI';
comment on column check_results.asset is 'Bảng được kiểm tra (khóa asset Dagster) — the table checked (its Dagster asset key)';
comment on column check_results.kind is 'table_check (truy vấn SQL, warehouse/checks.py) / gx_suite (Great Expectations) — kind of check';
comment on column check_results.passed is 'Đạt — passed';
comment on column check_results.severity is 'ERROR / WARN — severity, as in Dagster';
comment on column check_results.blocking is 'Không đạt thì dừng bản dựng (không công bố) — a failure stops the build before any publish';
comment on column check_results.violations is 'Số dòng vi phạm (table_check) hoặc số kỳ vọng không đạt (gx_suite) — rows breaking the rule, or failed expectations';
comment on column check_results.message is 'Kết quả ngắn gọn — short result';
comment on column check_results.description is 'Quy tắc được kiểm tra — the rule checked';
comment on column check_results.details is 'JSON: tối đa 10 dòng vi phạm, hoặc kết quả từng kỳ vọng GX — up to 10 violating rows, or each GX expectation''s result';
comment on column check_results.checked_at is 'Thời điểm kiểm tra (giờ địa phương; bộ GX trên đúng các dòng này có thể được kiểm tra ở lần trước) — checked at, local time (a GX suite on these same rows may have run at an earlier publish)';
