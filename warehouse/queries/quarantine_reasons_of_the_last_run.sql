-- Câu hỏi: Vì sao các dòng dữ liệu bị cách ly trong lần nạp gần nhất của mỗi tệp, theo nguồn?
-- Question: Why were rows quarantined in the latest load of each file, by source?
-- columns: source, reason_code, reason_vi, reason_en, rows_quarantined, files, last_loaded_at
select
    q.source,
    q.reason_code,
    r.text_vi as reason_vi,
    r.text_en as reason_en,
    count(*) as rows_quarantined,
    count(distinct q.source_file) as files,
    max(a.loaded_at) as last_loaded_at
from quarantine q
join dim_quarantine_reason r using (reason_code)
join load_audit a on a.source_file = q.source_file and a.status = 'loaded'
group by all
order by rows_quarantined desc, source;
