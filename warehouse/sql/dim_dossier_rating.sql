create or replace table dim_dossier_rating as
select code as rating, name_vi, name_en, sort_order
from ref_lookups
where lookup = 'dossier_rating'
order by sort_order;

comment on table dim_dossier_rating is 'Mức độ hài lòng của người dân với hồ sơ — dossier ratings, most satisfied first: join fact_dossier using (rating)';
comment on column dim_dossier_rating.rating is 'Mức đánh giá (như trong fact_dossier) — rating as in fact_dossier';
comment on column dim_dossier_rating.name_vi is 'Mức đánh giá — rating, Vietnamese';
comment on column dim_dossier_rating.name_en is 'Rating, English';
comment on column dim_dossier_rating.sort_order is 'Thứ tự, 1 = rất hài lòng — order, 1 = very satisfied';
