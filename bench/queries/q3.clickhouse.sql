-- Q3 for ClickHouse: as q3.sql, with other names for the inner counts. In ClickHouse an alias
-- is visible in the whole SELECT and wins over a column of the same name, so
-- `count(*) AS in_service` would turn `WHERE in_service = '是'` into an aggregate in WHERE.
SELECT district, n_in_service AS in_service, n_participants AS participants,
       CAST(n_participants AS DOUBLE) / n_in_service * 100 AS rate
FROM (SELECT district,
             count(*) AS n_in_service,
             sum(CASE WHEN teacher_id IN (SELECT teacher_id FROM enrollments WHERE paid = '是')
                      THEN 1 ELSE 0 END) AS n_participants
      FROM teachers
      WHERE in_service = '是'
      GROUP BY district) AS per_district
ORDER BY rate DESC, district;
