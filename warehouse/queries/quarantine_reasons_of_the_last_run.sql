-- Câu hỏi: Vì sao các dòng dữ liệu bị cách ly trong lần nạp gần nhất của mỗi tệp, theo nguồn?
-- Question: Why were rows quarantined in the latest load of each file, by source?
-- columns: source, reason, rows_quarantined, files, last_loaded_at
select
    q.source,
    -- cell values are replaced by … so that the same rule groups together
    regexp_replace(q.reason, '''[^'']*''', '…', 'g') as reason,
    count(*) as rows_quarantined,
    count(distinct q.source_file) as files,
    max(a.loaded_at) as last_loaded_at
from quarantine q
join load_audit a on a.source_file = q.source_file and a.status = 'loaded'
group by all
order by rows_quarantined desc, source;
