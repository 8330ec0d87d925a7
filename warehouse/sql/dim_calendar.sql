create or replace table dim_calendar as
select
    date, is_working_day, holiday_name, working_day_index,
    holiday_name_vi, day_kind, legal_basis, verification, year_status
from ref_calendar
order by date;

comment on table dim_calendar is 'Lịch ngày làm việc của cơ quan hành chính 2015–2035 (nghỉ lễ, Tết, nghỉ bù, hoán đổi ngày làm việc), từ tệp đã rà soát warehouse/reference/calendar_vn.csv — civil-service working-day calendar 2015–2035 from the pinned reviewed file (docs/calendar.md)';
comment on column dim_calendar.date is 'Ngày — date';
comment on column dim_calendar.is_working_day is 'Là ngày làm việc (thứ Hai–thứ Sáu trừ ngày nghỉ, cộng thứ Bảy làm bù) — is a working day';
comment on column dim_calendar.holiday_name is 'Tên ngày nghỉ (tiếng Anh; NULL vào ngày làm việc và cuối tuần thường) — name of the weekday off, English';
comment on column dim_calendar.working_day_index is 'Số thứ tự ngày làm việc lũy kế: ngày làm việc thứ n sau d có chỉ số index(d)+n — cumulative working-day count';
comment on column dim_calendar.holiday_name_vi is 'Tên ngày nghỉ (tiếng Việt) — name of the weekday off, Vietnamese';
comment on column dim_calendar.day_kind is 'Loại ngày: working_day, weekend, public_holiday (nghỉ lễ, Tết), compensatory_day_off (nghỉ bù), swap_day_off (nghỉ hoán đổi), swap_working_saturday (thứ Bảy làm bù) — kind of day';
comment on column dim_calendar.legal_basis is 'Căn cứ: điều của Bộ luật Lao động hoặc văn bản thông báo lịch nghỉ, hoán đổi — the article or the notice the day comes from';
comment on column dim_calendar.verification is 'Mức kiểm chứng: official (văn bản), statute (luật định), secondary (báo chí), library_only, estimated (năm tạm tính) — how the day was verified';
comment on column dim_calendar.year_status is 'pinned (năm đã rà soát theo thông báo) / provisional (tạm tính theo luật và âm lịch, chưa có thông báo) — review status of the year';

-- the n-th working day after d (n ≥ 1), for deadlines in working days; a date the calendar
-- does not cover is an error, never a NULL that counts as late
create or replace macro add_working_days(d, n) as (
    select coalesce(
        min(later.date),
        error('add_working_days: ' || cast(d as varchar) || ' + ' || cast(n as varchar)
            || ' working days is outside the working-day calendar 2015-01-01 – 2035-12-31')
    )
    from dim_calendar origin
    join dim_calendar later
        on later.working_day_index = origin.working_day_index + n and later.is_working_day
    where origin.date = cast(d as date)
);
comment on macro add_working_days is 'Ngày làm việc thứ n sau ngày d (n ≥ 1) — the n-th working day after date d, for deadlines in working days; e.g. add_working_days(date ''2024-04-26'', 1)';
