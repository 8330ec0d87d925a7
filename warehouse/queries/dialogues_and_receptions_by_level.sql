-- Câu hỏi: Số cuộc đối thoại và buổi tiếp dân định kỳ của Bí thư theo cấp, năm 2024?
-- Question: Dialogues and the Party secretaries' periodic receptions by level, 2024?
-- columns: level, dialogues_held, periodic_receptions_scheduled, periodic_receptions_held, periodic_reception_rate, citizens_received
select level, dialogues_held, periodic_receptions_scheduled, periodic_receptions_held,
    round(periodic_reception_rate, 4) as periodic_reception_rate, citizens_received
from mart_engagement_yearly
where year = 2024 and grain in ('level', 'province')
order by grain desc, level;
