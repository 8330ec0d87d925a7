-- Mass-mobilisation figures of a year in today's units (docs/units.md):
-- every engagement event, welfare row and model of the year counted in the unit in force since
-- 2025-07-01 that its territory belongs to — so the split year 2025 (and any earlier year) is
-- read per new commune, from rows, never by re-adding ratios. A report made for a district or
-- the province before the reform lies within no single commune, nor does a model registered
-- without a unit code: they count on the province row.
create or replace table mart_commune_yearly as
with engagement as (
    select year, unit_code_2025,
        count(*) filter (event_type = 'Đối thoại' and is_held) as dialogues_held,
        count(*) filter (
            event_type = 'Tiếp công dân định kỳ' and planned and chair_group = 'Bí thư'
        ) as periodic_receptions_scheduled,
        count(*) filter (
            event_type = 'Tiếp công dân định kỳ' and planned and chair_group = 'Bí thư' and is_held
        ) as periodic_receptions_held,
        count(*) filter (event_type = 'Tiếp công dân đột xuất' and is_held)
            as adhoc_receptions_held,
        sum(citizens_received) as citizens_received
    from fact_engagement_event
    group by all
),
welfare as (
    select year, unit_code_2025,
        count(*) as welfare_activities,
        sum(quantity) filter (support_type = 'Tặng quà') as gifts_given,
        sum(quantity) filter (support_type = 'Học bổng') as scholarships_given,
        sum(quantity) filter (support_type in ('Xây mới nhà', 'Sửa chữa nhà'))
            as houses_built_or_repaired,
        sum(value_vnd) as welfare_value_vnd
    from fact_welfare_activity
    group by all
),
models as (
    select register_year as year, coalesce(unit_code_2025, s.province_code) as unit_code_2025,
        count(*) as models_registered,
        count(*) filter (is_recognised) as models_recognised
    from fact_mobilization_model
    cross join ref_scope s
    group by all
),
cells as (
    select year, unit_code_2025 from engagement
    union select year, unit_code_2025 from welfare
    union select year, unit_code_2025 from models
)
select
    c.year,
    c.unit_code_2025,
    u.name as unit_name_2025,
    u.level as unit_level_2025,
    coalesce(e.dialogues_held, 0) as dialogues_held,
    coalesce(e.periodic_receptions_scheduled, 0) as periodic_receptions_scheduled,
    coalesce(e.periodic_receptions_held, 0) as periodic_receptions_held,
    e.periodic_receptions_held / nullif(e.periodic_receptions_scheduled, 0)
        as periodic_reception_rate,
    coalesce(e.adhoc_receptions_held, 0) as adhoc_receptions_held,
    coalesce(e.citizens_received, 0) as citizens_received,
    coalesce(w.welfare_activities, 0) as welfare_activities,
    coalesce(w.gifts_given, 0) as gifts_given,
    coalesce(w.scholarships_given, 0) as scholarships_given,
    coalesce(w.houses_built_or_repaired, 0) as houses_built_or_repaired,
    coalesce(w.welfare_value_vnd, 0) as welfare_value_vnd,
    coalesce(m.models_registered, 0) as models_registered,
    coalesce(m.models_recognised, 0) as models_recognised,
    coalesce(ce.months_covered, 0) as engagement_months_covered,
    coalesce(cw.months_covered, 0) as welfare_months_covered,
    coalesce(cm.months_covered, 0) as models_months_covered,
    coalesce(ce.is_complete and cw.is_complete and cm.is_complete, false) as is_complete
from cells c
left join engagement e using (year, unit_code_2025)
left join welfare w using (year, unit_code_2025)
left join models m using (year, unit_code_2025)
left join mart_source_coverage ce on ce.year = c.year and ce.source = 'engagement'
left join mart_source_coverage cw on cw.year = c.year and cw.source = 'welfare'
left join mart_source_coverage cm on cm.year = c.year and cm.source = 'models'
left join dim_admin_unit u
    on u.code = c.unit_code_2025 and u.unit_2025_mapping = 'in_force'
order by c.year, u.level desc, c.unit_code_2025;

comment on table mart_commune_yearly is 'Công tác dân vận theo năm và đơn vị hiện hành (xã, phường, đặc khu từ 01/7/2025; báo cáo cấp huyện, tỉnh trước đó tính vào dòng tỉnh) — mass-mobilisation figures per year in today''s units, from rows (docs/units.md)';
comment on column mart_commune_yearly.year is 'Năm — year';
comment on column mart_commune_yearly.unit_code_2025 is 'Đơn vị từ 01/7/2025 (xã, phường, đặc khu; hoặc tỉnh) — unit in force since 2025-07-01';
comment on column mart_commune_yearly.unit_name_2025 is 'Tên đơn vị hiện hành — name of the unit in force';
comment on column mart_commune_yearly.unit_level_2025 is 'commune, hoặc province cho dòng toàn tỉnh (gồm báo cáo cấp huyện trước cải cách) — commune, or province for the province row';
comment on column mart_commune_yearly.dialogues_held is 'Số cuộc đối thoại đã thực hiện — dialogues held';
comment on column mart_commune_yearly.periodic_receptions_scheduled is 'Buổi tiếp dân định kỳ của Bí thư theo kế hoạch — periodic receptions by the Party secretary, scheduled';
comment on column mart_commune_yearly.periodic_receptions_held is 'Trong đó đã thực hiện — of which held';
comment on column mart_commune_yearly.periodic_reception_rate is 'Đã thực hiện ÷ theo kế hoạch (từ số đếm) — held ÷ scheduled, from the counts';
comment on column mart_commune_yearly.adhoc_receptions_held is 'Tiếp dân đột xuất đã thực hiện — ad hoc receptions held';
comment on column mart_commune_yearly.citizens_received is 'Số lượt công dân được tiếp — citizens received';
comment on column mart_commune_yearly.welfare_activities is 'Số dòng hoạt động an sinh — welfare activity rows';
comment on column mart_commune_yearly.gifts_given is 'Số suất quà (Tặng quà) — gifts given';
comment on column mart_commune_yearly.scholarships_given is 'Số suất học bổng — scholarships given';
comment on column mart_commune_yearly.houses_built_or_repaired is 'Nhà xây mới và sửa chữa — houses built or repaired';
comment on column mart_commune_yearly.welfare_value_vnd is 'Tổng giá trị an sinh (đồng) — welfare value in VND';
comment on column mart_commune_yearly.models_registered is 'Mô hình “Dân vận khéo” trong sổ của năm — models in the year''s register';
comment on column mart_commune_yearly.models_recognised is 'Trong đó được công nhận hoặc nhân rộng — of which recognised or spread';
comment on column mart_commune_yearly.engagement_months_covered is 'Số tháng của năm có dữ liệu tiếp dân, đối thoại — months of the year the engagement rows cover';
comment on column mart_commune_yearly.welfare_months_covered is 'Số tháng của năm có dữ liệu an sinh — months of the year the welfare rows cover';
comment on column mart_commune_yearly.models_months_covered is 'Số tháng của năm có sổ mô hình (sổ năm: 12) — months the models register covers';
comment on column mart_commune_yearly.is_complete is 'Cả ba nguồn đủ 12 tháng; false: năm chưa đủ — all three sources cover the whole year; false: a partial year';
