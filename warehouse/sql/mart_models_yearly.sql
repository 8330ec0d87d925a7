create or replace table mart_models_yearly as
select
    register_year as year,
    field,
    coalesce(level, 'unknown') as level,
    status,
    count(*) as models
from fact_mobilization_model
group by all
order by year, field, level, status;

comment on table mart_models_yearly is 'Mô hình “Dân vận khéo” theo năm, lĩnh vực, cấp, trạng thái — models per register year × field × level × status';
comment on column mart_models_yearly.year is 'Năm của sổ đăng ký — register year';
comment on column mart_models_yearly.field is 'Lĩnh vực — field';
comment on column mart_models_yearly.level is 'Cấp: province / district / commune / village, unknown khi trống — level (dim_level)';
comment on column mart_models_yearly.status is 'Trạng thái — status';
comment on column mart_models_yearly.models is 'Số mô hình — models';
