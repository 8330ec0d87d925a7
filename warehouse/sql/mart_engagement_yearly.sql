-- INDICATORS.md §D. Three grains in one table, told apart by `grain`:
-- 'unit' (year, level, unit), 'level' (year, level; unit '*'), 'province' (year; level 'province',
-- unit the province in force: the whole territory of today's province).
create or replace table mart_engagement_yearly as
with totals as (
    select
        year,
        level,
        admin_unit_code,
        unit_code_2025,
        grouping(level, admin_unit_code, unit_code_2025) as grouping_id,
        count(*) filter (event_type = 'Đối thoại' and is_held) as dialogues_held,
        count(*) filter (
            event_type = 'Tiếp công dân định kỳ' and planned and chair_group = 'Bí thư'
        ) as periodic_receptions_scheduled,
        count(*) filter (
            event_type = 'Tiếp công dân định kỳ' and planned and chair_group = 'Bí thư' and is_held
        ) as periodic_receptions_held,
        periodic_receptions_held / nullif(periodic_receptions_scheduled, 0)
            as periodic_reception_rate,
        count(*) filter (event_type = 'Tiếp công dân đột xuất' and is_held) as adhoc_receptions_held,
        coalesce(sum(citizens_received), 0) as citizens_received,
        coalesce(sum(opinions_raised), 0) as opinions_raised,
        coalesce(sum(opinions_resolved), 0) as opinions_resolved,
        sum(opinions_resolved) / nullif(sum(opinions_raised), 0) as opinions_resolved_share,
        coalesce(sum(replied_in_time), 0) as replied_in_time,
        sum(replied_in_time) / nullif(sum(opinions_raised), 0) as replied_in_time_share
    from fact_engagement_event
    group by grouping sets ((year, level, admin_unit_code, unit_code_2025), (year, level), (year))
)
select
    t.year,
    case t.grouping_id when 0 then 'unit' when 3 then 'level' else 'province' end as grain,
    coalesce(t.level, 'province') as level,
    case t.grouping_id when 0 then t.admin_unit_code when 3 then '*' else s.province_code end
        as admin_unit_code,
    case t.grouping_id when 0 then t.unit_code_2025 when 3 then '*' else s.province_code end
        as unit_code_2025,
    t.* exclude (year, level, admin_unit_code, unit_code_2025, grouping_id)
from totals t
cross join ref_scope s
order by t.year, grain desc, level, admin_unit_code;

comment on table mart_engagement_yearly is 'Tiếp công dân, đối thoại theo năm (INDICATORS §D) — engagement per year × level × unit, with level and province roll-ups';
comment on column mart_engagement_yearly.year is 'Năm — year';
comment on column mart_engagement_yearly.grain is 'unit (từng đơn vị) / level (cả cấp) / province (toàn tỉnh) — row grain';
comment on column mart_engagement_yearly.level is 'Cấp: province / district / commune (dim_level); province ở dòng toàn tỉnh — level, province for the province roll-up';
comment on column mart_engagement_yearly.admin_unit_code is 'Mã ĐVHC (* = cả cấp; mã tỉnh hiện hành ở dòng toàn tỉnh) — unit code (* for a level, the province in force for the roll-up)';
comment on column mart_engagement_yearly.unit_code_2025 is 'Đơn vị từ 01/7/2025 chứa địa bàn — the unit in force since 2025-07-01 the territory belongs to';
comment on column mart_engagement_yearly.dialogues_held is 'Số cuộc đối thoại đã thực hiện — dialogues held';
comment on column mart_engagement_yearly.periodic_receptions_scheduled is 'Số buổi tiếp dân định kỳ của Bí thư theo kế hoạch — periodic receptions by the Party secretary, scheduled';
comment on column mart_engagement_yearly.periodic_receptions_held is 'Trong đó đã thực hiện — of which held';
comment on column mart_engagement_yearly.periodic_reception_rate is 'Tỷ lệ thực hiện = đã thực hiện ÷ theo kế hoạch — held ÷ scheduled';
comment on column mart_engagement_yearly.adhoc_receptions_held is 'Số buổi tiếp dân đột xuất đã thực hiện — ad hoc receptions held';
comment on column mart_engagement_yearly.citizens_received is 'Số lượt công dân — citizens received';
comment on column mart_engagement_yearly.opinions_raised is 'Số ý kiến, kiến nghị — opinions raised';
comment on column mart_engagement_yearly.opinions_resolved is 'Số đã giải quyết, trả lời — opinions resolved';
comment on column mart_engagement_yearly.opinions_resolved_share is 'Tỷ lệ đã giải quyết ÷ ý kiến — resolved share';
comment on column mart_engagement_yearly.replied_in_time is 'Số trả lời bằng văn bản đúng hạn — written replies in time';
comment on column mart_engagement_yearly.replied_in_time_share is 'Tỷ lệ trả lời đúng hạn ÷ ý kiến — replied-in-time share';
