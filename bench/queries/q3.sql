-- Q3: in-service teachers per district, how many have at least one paid enrollment, and the rate.
-- The membership test appears once (sqlite would evaluate a CTE-level flag once per use).
SELECT district, in_service, participants,
       CAST(participants AS DOUBLE) / in_service * 100 AS rate
FROM (SELECT district,
             count(*) AS in_service,
             sum(CASE WHEN teacher_id IN (SELECT teacher_id FROM enrollments WHERE paid = '是')
                      THEN 1 ELSE 0 END) AS participants
      FROM teachers
      WHERE in_service = '是'
      GROUP BY district) AS per_district
ORDER BY rate DESC, district;
