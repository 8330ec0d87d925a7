-- The 766 index per profile, unit and period (docs/indicators.md §C): group scores are sums
-- of the indicators' 2-decimal points, as at the portal, capped at the group's maximum (only
-- the online-payment parts can reach more: 6 + 2 + 2.5). Not-assessable indicators leave
-- their points out of `points_assessable`; the rating reads the total normalised to 100.
create or replace table mart_service_index_766 as
with groups as (
    select
        d.profile, d.period_type, d.period, d.unit_type, d.unit_code, d.group_code,
        -- least() skips NULLs: a group with no points stays NULL, never its maximum
        if(count(d.points) > 0, least(any_value(i.group_max_points), round(sum(d.points), 2)), null)
            as points,
        least(
            any_value(i.group_max_points),
            coalesce(sum(d.max_points) filter (d.status <> 'not_assessable'), 0)
        ) as points_assessable
    from mart_service_index_766_detail d
    join dim_service_index_766_indicator i using (profile, indicator_code)
    group by all
),
totals as (
    select
        profile, period_type, period, unit_type, unit_code,
        max(points) filter (group_code = 'transparency') as points_transparency,
        max(points) filter (group_code = 'progress') as points_progress,
        max(points) filter (group_code = 'online_service') as points_online_service,
        max(points) filter (group_code = 'digitisation') as points_digitisation,
        max(points) filter (group_code = 'satisfaction') as points_satisfaction,
        max(points) filter (group_code = 'online_payment') as points_online_payment,
        round(coalesce(sum(points), 0), 2) as total,
        sum(points_assessable) as points_assessable
    from groups
    group by all
),
not_assessable as (
    select
        profile, period_type, period, unit_type, unit_code,
        string_agg(indicator_code, ', ' order by indicator_code) as indicators_not_assessable
    from mart_service_index_766_detail
    where status = 'not_assessable' and max_points > 0
    group by all
),
rated as (
    select
        t.*,
        round(100 * t.total / nullif(t.points_assessable, 0), 2) as total_normalised,
        n.indicators_not_assessable
    from totals t
    left join not_assessable n using (profile, period_type, period, unit_type, unit_code)
)
select
    r.profile,
    r.period_type,
    r.period,
    r.unit_type,
    r.unit_code,
    r.points_transparency,
    r.points_progress,
    r.points_online_service,
    r.points_digitisation,
    r.points_satisfaction,
    r.points_online_payment,
    r.total,
    r.points_assessable,
    r.total_normalised,
    (
        select b.rating from ref_766_bands b
        where b.profile = r.profile and r.total_normalised >= b.min_total
        order by b.min_total desc limit 1
    ) as rating,
    r.indicators_not_assessable,
    -- a commune of before the reform, in the commune it became (the primary one of a split)
    case when r.unit_type = 'commune' then coalesce(b.new_code, r.unit_code) end as unit_code_2025,
    -- a year scored from a few months of dossiers is not a year's score
    case when r.period_type = 'year' then coalesce(c.months_covered, 0) end as months_covered,
    case when r.period_type = 'year' then coalesce(c.is_complete, false) end as is_complete
from rated r
left join mart_source_coverage c
    on r.period_type = 'year' and c.source = 'dossiers' and c.year = try_cast(r.period as integer)
left join bridge_admin_unit_2025 b
    on r.unit_type = 'commune' and b.old_code = r.unit_code and b.is_primary
    and case r.period_type
        when 'month' then last_day(cast(r.period || '-01' as date))
        when 'quarter' then last_day(make_date(
            cast(left(r.period, 4) as integer), cast(right(r.period, 1) as integer) * 3, 1))
        else make_date(cast(r.period as integer), 12, 31)
    end < (select reform_date from ref_scope)
order by r.profile, r.period_type, r.period, r.unit_type, r.unit_code;

comment on table mart_service_index_766 is 'Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg) theo bộ chấm điểm, đơn vị và kỳ: điểm từng nhóm, tổng điểm, xếp loại — the 766 service index per profile, unit and period (docs/indicators.md#c)';
comment on column mart_service_index_766.profile is 'Bộ chấm điểm: dvcqg (như Cổng DVCQG, mặc định) hoặc qd766_2022 — scoring profile';
comment on column mart_service_index_766.period_type is 'Loại kỳ: month / quarter / year — period type';
comment on column mart_service_index_766.period is 'Kỳ (yyyy-MM, yyyy-Qn, yyyy) — period';
comment on column mart_service_index_766.unit_type is 'province / provincial_centre / agency / district (đến 2025-06) / commune — unit type';
comment on column mart_service_index_766.unit_code is 'Mã đơn vị (mã ĐVHC hoặc mã cơ quan) — unit code';
comment on column mart_service_index_766.points_transparency is 'Nhóm Công khai, minh bạch (tối đa 18) — publicity and transparency, of 18';
comment on column mart_service_index_766.points_progress is 'Nhóm Tiến độ giải quyết (tối đa 20) — progress, of 20';
comment on column mart_service_index_766.points_online_service is 'Nhóm Dịch vụ công trực tuyến (tối đa 12 với dvcqg, 22 với qd766_2022) — online services, of 12 (dvcqg) or 22 (qd766_2022)';
comment on column mart_service_index_766.points_digitisation is 'Nhóm Số hóa hồ sơ (tối đa 22) — digitisation, of 22';
comment on column mart_service_index_766.points_satisfaction is 'Nhóm Mức độ hài lòng (tối đa 18) — satisfaction, of 18';
comment on column mart_service_index_766.points_online_payment is 'Nhóm Thanh toán trực tuyến (tối đa 10; chỉ dvcqg) — online payment, of 10 (dvcqg only)';
comment on column mart_service_index_766.total is 'Tổng điểm các chỉ tiêu đánh giá được (bằng điểm của Cổng khi đủ dữ liệu) — total of the assessed points (the portal''s total when every indicator is assessable)';
comment on column mart_service_index_766.points_assessable is 'Điểm tối đa của các chỉ tiêu đánh giá được (100 khi đủ dữ liệu) — maximum of the assessable indicators (100 when all are)';
comment on column mart_service_index_766.total_normalised is 'Tổng điểm quy về thang 100 = tổng ÷ điểm đánh giá được × 100 — total normalised to 100';
comment on column mart_service_index_766.rating is 'Xếp loại theo tổng điểm quy về thang 100 (ngưỡng trong cấu hình, chưa được xác nhận) — rating band of the normalised total (configured, unconfirmed)';
comment on column mart_service_index_766.indicators_not_assessable is 'Chỉ tiêu không đánh giá được (lý do trong bảng chi tiết) — indicators not assessable (reasons in the detail table)';
comment on column mart_service_index_766.unit_code_2025 is 'Mã xã mới từ 01/7/2025 của đơn vị cấp xã (qua bảng chuyển đổi, đơn vị chính) — 2025 commune code, for commune units';
comment on column mart_service_index_766.months_covered is 'Dòng năm: số tháng của năm có dữ liệu hồ sơ (mart_source_coverage); trống ở dòng tháng, quý — year rows: months of the year the dossiers cover; empty for months and quarters';
comment on column mart_service_index_766.is_complete is 'Dòng năm: hồ sơ đủ 12 tháng; false: điểm của một phần năm — year rows: the dossiers cover the whole year; false: the score of a partial year';
