create or replace table procedure_snapshot as
select
    cast(period as date) as snapshot_date,
    procedure_code,
    procedure_name,
    field,
    implementing_agency,
    levels,
    time_limit,
    time_limit_unit,
    online_level,
    full_online_eligible,
    has_fee,
    paper_result,
    reuse_allowed,
    decision_number,
    decision_date,
    legal_effective_date,
    published_at,
    components_complete,
    status,
    source_file
from stg_procedures
order by snapshot_date, procedure_code;

comment on table procedure_snapshot is 'Lịch sử danh mục TTHC theo từng bản chụp — procedure catalogue history, one row per procedure and snapshot';
comment on column procedure_snapshot.snapshot_date is 'Ngày chụp danh mục (từ tên tệp) — snapshot date';
comment on column procedure_snapshot.procedure_code is 'Mã TTHC — procedure code';
comment on column procedure_snapshot.procedure_name is 'Tên TTHC — procedure name';
comment on column procedure_snapshot.field is 'Lĩnh vực — field (Hộ tịch, Chứng thực, Đất đai…)';
comment on column procedure_snapshot.implementing_agency is 'Cơ quan thực hiện — implementing agency';
comment on column procedure_snapshot.levels is 'Cấp thực hiện (Tỉnh, Huyện, Xã) — levels that implement it';
comment on column procedure_snapshot.time_limit is 'Thời hạn giải quyết — time limit';
comment on column procedure_snapshot.time_limit_unit is 'Đơn vị thời hạn — time-limit unit';
comment on column procedure_snapshot.online_level is 'Mức độ DVCTT (Toàn trình / Một phần / trống) — online service level';
comment on column procedure_snapshot.full_online_eligible is 'Đủ điều kiện toàn trình — eligible for a fully online service';
comment on column procedure_snapshot.has_fee is 'Có phí, lệ phí — has a fee';
comment on column procedure_snapshot.paper_result is 'Kết quả bằng văn bản giấy; NULL = bản chụp không có cột này — the result is a paper document; NULL when the snapshot lacks the column';
comment on column procedure_snapshot.reuse_allowed is 'Cho phép tái sử dụng dữ liệu; NULL = bản chụp không có cột này — reusing data the state holds is allowed; NULL when the snapshot lacks the column';
comment on column procedure_snapshot.decision_number is 'Số quyết định công bố — publication decision number';
comment on column procedure_snapshot.decision_date is 'Ngày quyết định công bố — publication decision date';
comment on column procedure_snapshot.legal_effective_date is 'Ngày hiệu lực văn bản QPPL — legal effective date';
comment on column procedure_snapshot.published_at is 'Ngày công khai trên CSDLQG (trống = chưa công khai) — published on the national database';
comment on column procedure_snapshot.components_complete is 'Đầy đủ bộ phận tạo thành — all components published';
comment on column procedure_snapshot.status is 'Trạng thái (Đang áp dụng / Bãi bỏ) — status';
comment on column procedure_snapshot.source_file is 'Tệp nguồn — landing file the row came from';
