create or replace table dim_calendar as
select date, is_working_day, holiday_name, working_day_index
from ref_calendar
order by date;

comment on table dim_calendar is 'Lịch ngày làm việc (nghỉ lễ, Tết, ngày làm bù) — working-day calendar 2020–2027';
comment on column dim_calendar.date is 'Ngày — date';
comment on column dim_calendar.is_working_day is 'Là ngày làm việc — is a working day';
comment on column dim_calendar.holiday_name is 'Tên ngày lễ (nếu có) — public holiday name';
comment on column dim_calendar.working_day_index is 'Số thứ tự ngày làm việc lũy kế: ngày làm việc thứ n sau d có chỉ số index(d)+n — cumulative working-day count';

-- the n-th working day after d (n ≥ 1), for deadlines in working days
create or replace macro add_working_days(d, n) as (
    select min(later.date)
    from dim_calendar origin
    join dim_calendar later
        on later.working_day_index = origin.working_day_index + n and later.is_working_day
    where origin.date = cast(d as date)
);
comment on macro add_working_days is 'Ngày làm việc thứ n sau ngày d (n ≥ 1) — the n-th working day after date d, for deadlines in working days; e.g. add_working_days(date ''2024-04-26'', 1)';
