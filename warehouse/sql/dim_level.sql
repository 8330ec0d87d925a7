create or replace table dim_level as
select level_vi, level, name_en
from ref_levels
order by level, level_vi;

comment on table dim_level is 'Cấp hành chính: nhãn trong tệp xuất → một bộ mã dùng ở mọi bảng — administrative levels: the label in the exports → the one vocabulary of every table';
comment on column dim_level.level_vi is 'Nhãn tiếng Việt như trong tệp (Tỉnh, Huyện, Xã, Đặc khu, Thôn) — Vietnamese label';
comment on column dim_level.level is 'Mã cấp dùng ở mọi bảng: province / district / commune / village — level code';
comment on column dim_level.name_en is 'Tên tiếng Anh — English name';
