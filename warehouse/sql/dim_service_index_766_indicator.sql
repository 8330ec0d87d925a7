-- The indicators of both scoring profiles of the 766 index, as warehouse/service_index_766.yaml
-- (or DANVAN_INDEX_766_CONFIG) configures them: what the marts score with, published so that
-- analysts, the UI chart and the report read the same names, groups and maxima.
create or replace table dim_service_index_766_indicator as
select
    i.profile,
    i.is_default_profile,
    g.group_no,
    i.group_code,
    g.group_name_vi,
    g.group_name_en,
    g.group_max_points,
    i.indicator_no,
    i.indicator_code,
    i.name_vi,
    i.name_en,
    i.max_points,
    i.form,
    i.threshold,
    i.rate_basis,
    i.numerator,
    i.denominator,
    i.zero_points,
    i.child_units,
    i.all_or_nothing,
    i.scope,
    i.award_max_when_not_applicable,
    i.inputs,
    i.unavailable,
    i.portal_code,
    i.confirmed,
    i.note
from ref_766_indicators i
join ref_766_groups g using (profile, group_code)
order by profile, group_no, indicator_no;

comment on table dim_service_index_766_indicator is 'Chỉ tiêu của Chỉ số 766 theo hai bộ chấm điểm (dvcqg: như Cổng DVCQG; qd766_2022: QĐ 766 năm 2022) — the 766 indicators of both scoring profiles, from warehouse/service_index_766.yaml (docs/indicators.md#c)';
comment on column dim_service_index_766_indicator.profile is 'Bộ chấm điểm: dvcqg (mặc định) hoặc qd766_2022 — scoring profile';
comment on column dim_service_index_766_indicator.is_default_profile is 'Bộ chấm điểm mặc định (bảng chỉ tiêu năm, báo cáo) — the default profile (scorecard, report)';
comment on column dim_service_index_766_indicator.group_no is 'Thứ tự nhóm trong bộ chấm điểm — group order';
comment on column dim_service_index_766_indicator.group_code is 'Mã nhóm (transparency, progress, online_service, digitisation, satisfaction, online_payment) — group code';
comment on column dim_service_index_766_indicator.group_name_vi is 'Tên nhóm (tiếng Việt) — group name in Vietnamese';
comment on column dim_service_index_766_indicator.group_name_en is 'Tên nhóm (tiếng Anh) — group name in English';
comment on column dim_service_index_766_indicator.group_max_points is 'Điểm tối đa của nhóm (tổng các nhóm = 100) — group maximum';
comment on column dim_service_index_766_indicator.indicator_no is 'Thứ tự chỉ tiêu trong tệp cấu hình — indicator order';
comment on column dim_service_index_766_indicator.indicator_code is 'Mã chỉ tiêu (mã metricCode của Cổng DVCQG khi có) — indicator code (the portal''s metric code where it has one)';
comment on column dim_service_index_766_indicator.name_vi is 'Tên chỉ tiêu (tiếng Việt) — Vietnamese name';
comment on column dim_service_index_766_indicator.name_en is 'Tên chỉ tiêu (tiếng Anh) — English name';
comment on column dim_service_index_766_indicator.max_points is 'Điểm tối đa (0: chỉ hiển thị, không chấm) — maximum points (0: shown, not scored)';
comment on column dim_service_index_766_indicator.form is 'Cách tính: linear = tối đa × tử ÷ mẫu ÷ ngưỡng (không vượt tối đa); fixed = luôn đạt tối đa — form';
comment on column dim_service_index_766_indicator.threshold is 'Tỷ lệ đạt điểm tối đa — rate that earns the full points';
comment on column dim_service_index_766_indicator.rate_basis is 'counts: tính từ số đếm; percent: từ tỷ lệ % làm tròn 2 chữ số như Cổng — rate from the counts or from the 2-decimal percentage';
comment on column dim_service_index_766_indicator.numerator is 'Đại lượng làm tử số (docs/indicators.md §C) — numerator measure';
comment on column dim_service_index_766_indicator.denominator is 'Đại lượng làm mẫu số — denominator measure';
comment on column dim_service_index_766_indicator.zero_points is 'Điểm khi mẫu số bằng 0 (NULL: không đánh giá được) — points for a zero denominator (NULL: not assessable)';
comment on column dim_service_index_766_indicator.child_units is 'own: từ số liệu của đơn vị; province: cơ quan, xã nhận số liệu của tỉnh như Cổng — own counts, or the province''s (as the portal shows them)';
comment on column dim_service_index_766_indicator.all_or_nothing is 'Một trường hợp trễ làm cả kỳ không đạt — one late item fails the whole period';
comment on column dim_service_index_766_indicator.scope is 'Phạm vi trong bảng chỉ tiêu của Cổng: all hoặc province — scope in the portal''s metric table';
comment on column dim_service_index_766_indicator.award_max_when_not_applicable is 'Cho điểm tối đa với cơ quan, xã khi chỉ tiêu chỉ áp dụng cấp tỉnh (mặc định tắt) — award the maximum to agencies and communes (switch, off by default)';
comment on column dim_service_index_766_indicator.inputs is 'Cột tùy chọn của tệp xuất mà chỉ tiêu cần — optional export columns it needs';
comment on column dim_service_index_766_indicator.unavailable is 'Dữ liệu không tệp xuất nào có: chỉ tiêu không đánh giá được — inputs no export carries: never assessable';
comment on column dim_service_index_766_indicator.portal_code is 'Mã chỉ tiêu là metricCode của Cổng DVCQG — the code is the portal''s metric code';
comment on column dim_service_index_766_indicator.confirmed is 'Cách tính và trọng số khớp kết quả công bố của Cổng — form and weight reproduce published portal results';
comment on column dim_service_index_766_indicator.note is 'Ghi chú — note';
