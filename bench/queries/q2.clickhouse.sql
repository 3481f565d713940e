-- Q2 for ClickHouse: as q2.sql, with standard LEFT JOIN semantics. By default ClickHouse fills
-- the unmatched side of a LEFT JOIN with the type's default ('' for a string), not NULL, so
-- count(c.band) would count an empty band as one course; join_use_nulls = 1 makes it NULL.
WITH per_course AS (
    SELECT course_id,
           CAST(sum(CASE WHEN passed = '是' THEN 1 ELSE 0 END) AS DOUBLE)
             / sum(CASE WHEN participated = '是' THEN 1 ELSE 0 END) * 100 AS passrate
    FROM enrollments
    WHERE participated = '是'
    GROUP BY course_id
), banded AS (
    SELECT CASE WHEN passrate >= 90 THEN '≥90'
                WHEN passrate >= 80 THEN '80–90'
                WHEN passrate >= 70 THEN '70–80'
                WHEN passrate >= 60 THEN '60–70'
                ELSE '<60' END AS band
    FROM per_course
), bands(band, ord) AS (
    VALUES ('≥90', 1), ('80–90', 2), ('70–80', 3), ('60–70', 4), ('<60', 5)
)
SELECT b.band AS passrate,
       count(c.band) AS courses,
       CAST(count(c.band) AS DOUBLE) / (SELECT count(*) FROM per_course) * 100 AS share
FROM bands b LEFT JOIN banded c ON c.band = b.band
GROUP BY b.band, b.ord
ORDER BY b.ord
SETTINGS join_use_nulls = 1;
