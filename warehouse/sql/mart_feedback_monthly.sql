-- INDICATORS.md §E, per month and handling agency: receipts, handling, and the items still
-- open and past due at the end of each month (up to the month of the item's export).
create or replace table mart_feedback_monthly as
with months as (
    select cast(m as date) as month_start, cast(m + interval 1 month as date) as month_end
    from range(
        (select date_trunc('month', min(received_at)) from fact_feedback),
        (select date_trunc('month', max(greatest(received_at, coalesce(handled_at, received_at))))
            + interval 1 month from fact_feedback),
        interval 1 month
    ) as r(m)
),
events as (
    select 'received' as kind, cast(date_trunc('month', received_at) as date) as month_start,
        false as overdue, f.*
    from fact_feedback f
    union all
    select 'handled', cast(date_trunc('month', handled_at) as date), false, f.*
    from fact_feedback f
    where is_handled
    union all
    select 'open', m.month_start, m.month_end > f.due_at, f.*
    from fact_feedback f
    join months m
        on f.received_at < m.month_end
        and (not f.is_handled or f.handled_at >= m.month_end)
        and m.month_end <= date_trunc('month', f.exported_at) + interval 1 month
)
select
    strftime(month_start, '%Y-%m') as period,
    agency_code,
    count(*) filter (kind = 'received') as received,
    count(*) filter (kind = 'handled') as handled,
    count(*) filter (kind = 'handled' and handled_on_time) as handled_on_time,
    count(*) filter (kind = 'handled' and handled_on_time)
        / nullif(count(*) filter (kind = 'handled'), 0) as handled_on_time_share,
    count(*) filter (kind = 'received' and reaction = 'Không hài lòng') as not_satisfied,
    count(*) filter (kind = 'received' and repeat_complaint) as repeat_complaints,
    count(*) filter (kind = 'open') as open_at_end,
    count(*) filter (kind = 'open' and overdue) as overdue_open,
    not_satisfied + repeat_complaints + overdue_open as satisfaction_deductions,
    greatest(1 - (not_satisfied + repeat_complaints + overdue_open) / nullif(received, 0), 0)
        as feedback_satisfaction
from events
group by all
order by period, agency_code;

comment on table mart_feedback_monthly is 'Phản ánh, kiến nghị theo tháng và cơ quan (INDICATORS §E) — citizen feedback per month and agency';
comment on column mart_feedback_monthly.period is 'Tháng (yyyy-MM) — month';
comment on column mart_feedback_monthly.agency_code is 'Mã cơ quan xử lý — handling agency';
comment on column mart_feedback_monthly.received is 'Số PAKN tiếp nhận trong tháng — received';
comment on column mart_feedback_monthly.handled is 'Số đã xử lý trong tháng (Đã xử lý hoặc Từ chối) — handled';
comment on column mart_feedback_monthly.handled_on_time is 'Xử lý đúng hạn — handled on time';
comment on column mart_feedback_monthly.handled_on_time_share is 'Tỷ lệ xử lý đúng hạn ÷ đã xử lý — handled on time share';
comment on column mart_feedback_monthly.not_satisfied is 'Không hài lòng (theo tháng tiếp nhận) — not satisfied';
comment on column mart_feedback_monthly.repeat_complaints is 'Khiếu nại lại — repeat complaints';
comment on column mart_feedback_monthly.open_at_end is 'Chưa xử lý xong cuối tháng — open at month end';
comment on column mart_feedback_monthly.overdue_open is 'Chưa xử lý xong và quá hạn cuối tháng — open and overdue at month end';
comment on column mart_feedback_monthly.feedback_satisfaction is 'Mức hài lòng = 1 − (không hài lòng + khiếu nại lại + quá hạn) ÷ tiếp nhận — feedback satisfaction';
comment on column mart_feedback_monthly.satisfaction_deductions is 'Không hài lòng + khiếu nại lặp lại + quá hạn còn mở (feedback_satisfaction = 1 − số này ÷ received) — not satisfied, repeated and overdue open items: what feedback_satisfaction deducts';
