create or replace table mart_models_yearly as
select
    register_year as year,
    field,
    coalesce(level, 'unknown') as level,
    status,
    count(*) as models,
    coalesce(any_value(c.months_covered), 0) as months_covered,
    coalesce(any_value(c.is_complete), false) as is_complete
from fact_mobilization_model m
left join mart_source_coverage c on c.year = m.register_year and c.source = 'models'
group by all
order by year, field, level, status;

comment on table mart_models_yearly is 'Mô hình “Dân vận khéo” theo năm, lĩnh vực, cấp, trạng thái — models per register year × field × level × status, one grain: its rows add up to fact_mobilization_model';
comment on column mart_models_yearly.year is 'Năm của sổ đăng ký — register year';
comment on column mart_models_yearly.field is 'Lĩnh vực — field';
comment on column mart_models_yearly.level is 'Cấp: province / district / commune / village, unknown khi trống — level (dim_level)';
comment on column mart_models_yearly.status is 'Trạng thái — status';
comment on column mart_models_yearly.models is 'Số mô hình — models';
comment on column mart_models_yearly.months_covered is 'Số tháng của năm có dữ liệu models (mart_source_coverage) — months of the year the models rows cover';
comment on column mart_models_yearly.is_complete is 'Đủ 12 tháng; false: năm chưa đủ, không so sánh như năm đủ — the whole year is covered; false: a partial year';
