-- Q5: top 10 teachers by logins, with name and school; ties by teacher_id ascending.
-- The top 10 are picked before the lookup: sqlite would otherwise scan teachers once per
-- teacher (it makes no automatic index for the right side of this LEFT JOIN).
SELECT l.teacher_id, t.name, t.school, l.logins
FROM (SELECT teacher_id, count(*) AS logins
      FROM logins
      GROUP BY teacher_id
      ORDER BY logins DESC, teacher_id
      LIMIT 10) AS l
LEFT JOIN teachers AS t ON t.teacher_id = l.teacher_id
ORDER BY l.logins DESC, l.teacher_id;
