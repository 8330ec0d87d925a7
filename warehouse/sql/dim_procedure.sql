create or replace table dim_procedure as
select
    * exclude (source_file),
    snapshot_date = (select max(snapshot_date) from procedure_snapshot) as in_latest_snapshot
from procedure_snapshot
qualify row_number() over (partition by procedure_code order by snapshot_date desc) = 1
order by procedure_code;

comment on table dim_procedure is 'Thủ tục hành chính theo bản chụp mới nhất có thủ tục đó — each procedure as of its latest snapshot (history in procedure_snapshot)';
comment on column dim_procedure.snapshot_date is 'Bản chụp mới nhất chứa thủ tục — latest snapshot that lists the procedure';
comment on column dim_procedure.procedure_code is 'Mã TTHC — procedure code';
comment on column dim_procedure.procedure_name is 'Tên TTHC — procedure name';
comment on column dim_procedure.field is 'Lĩnh vực — field';
comment on column dim_procedure.implementing_agency is 'Cơ quan thực hiện — implementing agency';
comment on column dim_procedure.levels is 'Cấp thực hiện — levels';
comment on column dim_procedure.time_limit is 'Thời hạn giải quyết — time limit';
comment on column dim_procedure.time_limit_unit is 'Đơn vị thời hạn — time-limit unit';
comment on column dim_procedure.online_level is 'Mức độ DVCTT — online service level';
comment on column dim_procedure.full_online_eligible is 'Đủ điều kiện toàn trình — eligible for fully online';
comment on column dim_procedure.has_fee is 'Có phí, lệ phí — has a fee';
comment on column dim_procedure.paper_result is 'Kết quả bằng văn bản giấy; NULL = bản chụp không có cột này — the result is a paper document; NULL when the snapshot lacks the column';
comment on column dim_procedure.reuse_allowed is 'Cho phép tái sử dụng dữ liệu; NULL = bản chụp không có cột này — reusing data the state holds is allowed; NULL when the snapshot lacks the column';
comment on column dim_procedure.decision_number is 'Số quyết định công bố — decision number';
comment on column dim_procedure.decision_date is 'Ngày quyết định công bố — decision date';
comment on column dim_procedure.legal_effective_date is 'Ngày hiệu lực văn bản QPPL — legal effective date';
comment on column dim_procedure.published_at is 'Ngày công khai trên CSDLQG — published on the national database';
comment on column dim_procedure.components_complete is 'Đầy đủ bộ phận tạo thành — components complete';
comment on column dim_procedure.status is 'Trạng thái — status';
comment on column dim_procedure.in_latest_snapshot is 'Có trong bản chụp mới nhất — listed in the newest snapshot';
