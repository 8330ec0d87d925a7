-- INDICATORS.md §D. Three grains in one table, told apart by `grain`:
-- 'unit' (year, level, unit), 'level' (year, level; unit '*'), 'province' (year; level 'province',
-- unit the province in force: the whole territory of today's province).
-- The periodic-reception norm of Quy định 11-QĐi/TW (art. 4(1), as amended by Kết luận
-- 215-KL/TW): the head of a province's or (until the 2025 reform) a district's Party committee
-- receives citizens at least 1 day a month, a commune's at least 2. It counts for every unit in
-- force in the months the data covers (the quarters of the engagement files, from March 2019,
-- the first month after the regulation), in the provinces those files report on — units that
-- held no reception included: they have no 'unit' row, but count in the 'level' and 'province'
-- rows. docs/calendar.md#periodic-receptions.
create or replace table mart_engagement_yearly as
with event_units as (
    select e.*, u.province_code
    from fact_engagement_event e
    left join dim_admin_unit u
        on u.code = e.admin_unit_code and e.event_date between u.valid_from and u.valid_to
),
covered as (
    -- each month of each quarter the engagement files cover, with the provinces they report on
    select distinct
        cast(unnest(generate_series(q.start, q.start + interval 2 month, interval 1 month))
            as date) as month_start,
        q.province_code
    from (
        select distinct
            make_date(cast(left(period, 4) as integer), 3 * cast(right(period, 1) as integer) - 2, 1)
                as start,
            province_code
        from event_units
        where province_code is not null
    ) q
),
norm_months as (
    select
        year(c.month_start) as year,
        c.month_start,
        u.level,
        u.code as admin_unit_code,
        u.unit_code_2025,
        case u.level when 'commune' then 2 else 1 end as norm_days
    from covered c
    join dim_admin_unit u
        on u.province_code = c.province_code
        and c.month_start between u.valid_from and u.valid_to
        and u.level in ('province', 'district', 'commune')
    where c.month_start >= date '2019-03-01'
),
held_days as (
    -- a day with periodic receptions by the committee's secretary that took place
    select distinct
        level, admin_unit_code, unit_code_2025, event_date,
        cast(date_trunc('month', event_date) as date) as month_start
    from fact_engagement_event
    where event_type = 'Tiếp công dân định kỳ' and chair_group = 'Bí thư' and is_held
),
norm_units as (
    select
        n.year, n.level, n.admin_unit_code, n.unit_code_2025,
        sum(n.norm_days) as norm_days,
        count(*) filter (coalesce(h.days, 0) < n.norm_days) as months_short
    from norm_months n
    left join (
        select level, admin_unit_code, month_start, count(*) as days
        from held_days group by all
    ) h using (level, admin_unit_code, month_start)
    group by all
),
norm as (
    -- per unit, with the units of the norm that held no reception at all
    select
        coalesce(n.year, h.year) as year,
        coalesce(n.level, h.level) as level,
        coalesce(n.admin_unit_code, h.admin_unit_code) as admin_unit_code,
        coalesce(n.unit_code_2025, h.unit_code_2025) as unit_code_2025,
        coalesce(h.days_held, 0) as days_held,
        coalesce(n.norm_days, 0) as norm_days,
        coalesce(n.months_short, 0) as months_short,
        n.norm_days is not null as in_norm
    from norm_units n
    full join (
        select year(event_date) as year, level, admin_unit_code, unit_code_2025,
            count(*) as days_held
        from held_days group by all
    ) h using (year, level, admin_unit_code, unit_code_2025)
),
norm_totals as (
    select
        year, level, admin_unit_code, unit_code_2025,
        grouping(level, admin_unit_code, unit_code_2025) as grouping_id,
        cast(sum(days_held) as bigint) as periodic_reception_days_held,
        cast(sum(norm_days) as bigint) as periodic_reception_norm_days,
        cast(sum(months_short) as bigint) as periodic_reception_months_short,
        count(*) filter (in_norm) as periodic_reception_norm_units
    from norm
    group by grouping sets ((year, level, admin_unit_code, unit_code_2025), (year, level), (year))
),
totals as (
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
        sum(replied_in_time) / nullif(sum(opinions_raised), 0) as replied_in_time_share,
        count(event_type) > 0 as has_events
    from (
        select year, level, admin_unit_code, unit_code_2025, event_type, is_held, planned,
            chair_group, citizens_received, opinions_raised, opinions_resolved, replied_in_time
        from fact_engagement_event
        union all
        -- the units of the norm, with no event of their own: they make the level and province
        -- rows of a year exist even where a level held nothing
        select distinct year, level, admin_unit_code, unit_code_2025, null, null, null, null,
            null, null, null, null
        from norm_months
    )
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
    t.* exclude (year, level, admin_unit_code, unit_code_2025, grouping_id, has_events),
    coalesce(n.periodic_reception_days_held, 0) as periodic_reception_days_held,
    coalesce(n.periodic_reception_norm_days, 0) as periodic_reception_norm_days,
    n.periodic_reception_days_held / nullif(n.periodic_reception_norm_days, 0)
        as periodic_reception_norm_share,
    coalesce(n.periodic_reception_months_short, 0) as periodic_reception_months_short,
    coalesce(n.periodic_reception_norm_units, 0) as periodic_reception_norm_units,
    coalesce(c.months_covered, 0) as months_covered,
    coalesce(c.is_complete, false) as is_complete
from totals t
cross join ref_scope s
left join mart_source_coverage c on c.year = t.year and c.source = 'engagement'
left join norm_totals n
    on n.year = t.year
    and n.grouping_id = t.grouping_id
    and n.level is not distinct from t.level
    and n.admin_unit_code is not distinct from t.admin_unit_code
    and n.unit_code_2025 is not distinct from t.unit_code_2025
where t.has_events or t.grouping_id <> 0
order by t.year, grain desc, level, admin_unit_code;

comment on table mart_engagement_yearly is 'Tiếp công dân, đối thoại theo năm (INDICATORS §D); ba mức tổng hợp trong một bảng: lọc theo cột grain trước khi cộng — engagement per year × level × unit, with level and province roll-ups: filter on grain (unit / level / province) before summing, or each event counts three times';
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
comment on column mart_engagement_yearly.periodic_reception_days_held is 'Số ngày Bí thư cấp ủy tiếp công dân định kỳ đã thực hiện (ngày khác nhau của mỗi đơn vị, có hoặc không theo kế hoạch) — days on which the Party secretary held periodic receptions';
comment on column mart_engagement_yearly.periodic_reception_norm_days is 'Số ngày theo định mức QĐ 11-QĐi/TW (sửa đổi theo KL 215-KL/TW): tỉnh 1, huyện 1 (đến 30/6/2025), xã 2 ngày/tháng, cho các tháng có dữ liệu từ 3/2019; dòng cấp và toàn tỉnh tính mọi đơn vị còn hiệu lực, kể cả đơn vị không có buổi nào — days the norm requires (province 1, district 1 until the reform, commune 2 a month) over the months the data covers; level and province rows count every unit in force, also those without any event';
comment on column mart_engagement_yearly.periodic_reception_norm_share is 'Tỷ lệ so với định mức = số ngày đã tiếp ÷ số ngày theo định mức (có thể > 1) — days held ÷ days the norm requires';
comment on column mart_engagement_yearly.periodic_reception_months_short is 'Số tháng (đơn vị × tháng) tiếp ít ngày hơn định mức — unit-months with fewer days held than the monthly norm';
comment on column mart_engagement_yearly.periodic_reception_norm_units is 'Số đơn vị áp dụng định mức trong năm — units the norm applied to in the year';
comment on column mart_engagement_yearly.months_covered is 'Số tháng của năm có dữ liệu engagement (mart_source_coverage) — months of the year the engagement rows cover';
comment on column mart_engagement_yearly.is_complete is 'Đủ 12 tháng; false: năm chưa đủ, không so sánh như năm đủ — the whole year is covered; false: a partial year';
