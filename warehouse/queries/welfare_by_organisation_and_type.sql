-- Câu hỏi: Giá trị an sinh xã hội năm 2024 theo từng tổ chức và hình thức hỗ trợ?
-- Question: Welfare value in 2024 by organisation and support type?
-- columns: org_code, support_type, quantity, value_vnd, share_of_total
select
    org_code,
    support_type,
    sum(quantity) as quantity,
    sum(value_vnd) as value_vnd,
    round(sum(value_vnd) / sum(sum(value_vnd)) over (), 4) as share_of_total
from mart_welfare_yearly
where year = 2024
group by all
order by org_code, value_vnd desc;
