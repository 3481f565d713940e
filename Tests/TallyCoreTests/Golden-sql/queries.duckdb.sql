SET preserve_insertion_order = true;
SET disabled_optimizers = 'expression_rewriter';
SET enable_progress_bar = false;

-- queries.tally:4: load "golden" with startup false
CREATE OR REPLACE TABLE "courses" AS
SELECT *
FROM read_csv('golden/courses.csv', header = true, delim = ',', quote = '"', escape = '"',
    nullstr = ['', '-', '—', '/', 'NULL', 'N/A', '#N/A', '无', '暂无'], allow_quoted_nulls = false, auto_detect = false,
    columns = {'course_id': 'VARCHAR', 'title': 'VARCHAR', 'project': 'VARCHAR', 'provider': 'VARCHAR', 'hours': 'BIGINT', 'tutors': 'BIGINT', 'enrolled': 'BIGINT', 'participated': 'BIGINT', 'passed': 'BIGINT'});

-- queries.tally:4: load "golden" with startup false
CREATE OR REPLACE TABLE "districts" AS
SELECT *
FROM read_csv('golden/districts.csv', header = true, delim = ',', quote = '"', escape = '"',
    nullstr = ['', '-', '—', '/', 'NULL', 'N/A', '#N/A', '无', '暂无'], allow_quoted_nulls = false, auto_detect = false,
    columns = {'名称': 'VARCHAR', '区号': 'VARCHAR', '类型': 'VARCHAR'});

-- queries.tally:4: load "golden" with startup false
CREATE OR REPLACE TABLE "enrollments" AS
SELECT * REPLACE (CASE WHEN "paid" IS NULL THEN NULL WHEN lower(trim("paid")) IN ('是', 'y', 'true', '1') THEN TRUE WHEN lower(trim("paid")) IN ('否', 'n', 'false', '0') THEN FALSE ELSE error('not a boolean in column paid: ' || "paid") END AS "paid", CASE WHEN "participated" IS NULL THEN NULL WHEN lower(trim("participated")) IN ('是', 'y', 'true', '1') THEN TRUE WHEN lower(trim("participated")) IN ('否', 'n', 'false', '0') THEN FALSE ELSE error('not a boolean in column participated: ' || "participated") END AS "participated", CASE WHEN "passed" IS NULL THEN NULL WHEN lower(trim("passed")) IN ('是', 'y', 'true', '1') THEN TRUE WHEN lower(trim("passed")) IN ('否', 'n', 'false', '0') THEN FALSE ELSE error('not a boolean in column passed: ' || "passed") END AS "passed")
FROM read_csv('golden/enrollments.csv', header = true, delim = ',', quote = '"', escape = '"',
    nullstr = ['', '-', '—', '/', 'NULL', 'N/A', '#N/A', '无', '暂无'], allow_quoted_nulls = false, auto_detect = false,
    columns = {'enrollment_id': 'VARCHAR', 'period': 'BIGINT', 'teacher_id': 'VARCHAR', 'course_id': 'VARCHAR', 'project': 'VARCHAR', 'enrolled_at': 'TIMESTAMP', 'paid': 'VARCHAR', 'participated': 'VARCHAR', 'hours_earned': 'DOUBLE', 'passed': 'VARCHAR'});

-- queries.tally:4: load "golden" with startup false
CREATE OR REPLACE TABLE "logins" AS
SELECT *
FROM read_csv('golden/logins.csv', header = true, delim = ',', quote = '"', escape = '"',
    nullstr = ['', '-', '—', '/', 'NULL', 'N/A', '#N/A', '无', '暂无'], allow_quoted_nulls = false, auto_detect = false,
    columns = {'teacher_id': 'VARCHAR', 'login_at': 'TIMESTAMP', 'client': 'VARCHAR'});

-- queries.tally:4: load "golden" with startup false
CREATE OR REPLACE TABLE "teachers" AS
SELECT * REPLACE (CASE WHEN "in_service" IS NULL THEN NULL WHEN lower(trim("in_service")) IN ('是', 'y', 'true', '1') THEN TRUE WHEN lower(trim("in_service")) IN ('否', 'n', 'false', '0') THEN FALSE ELSE error('not a boolean in column in_service: ' || "in_service") END AS "in_service")
FROM read_csv('golden/teachers.csv', header = true, delim = ',', quote = '"', escape = '"',
    nullstr = ['', '-', '—', '/', 'NULL', 'N/A', '#N/A', '无', '暂无'], allow_quoted_nulls = false, auto_detect = false,
    columns = {'teacher_id': 'VARCHAR', 'name': 'VARCHAR', 'gender': 'VARCHAR', 'district': 'VARCHAR', 'school': 'VARCHAR', 'stage': 'VARCHAR', 'subject': 'VARCHAR', 'title': 'VARCHAR', 'in_service': 'VARCHAR', 'joined': 'DATE'});

-- queries.tally:4: load "golden" with startup false
CREATE OR REPLACE TABLE "tutor_ratings" AS
SELECT *
FROM read_csv('golden/tutor_ratings.csv', header = true, delim = ',', quote = '"', escape = '"',
    nullstr = ['', '-', '—', '/', 'NULL', 'N/A', '#N/A', '无', '暂无'], allow_quoted_nulls = false, auto_detect = false,
    columns = {'teacher_id': 'VARCHAR', 'course_id': 'VARCHAR', 'tutor_id': 'VARCHAR', 'rating': 'VARCHAR'});

-- queries.tally:4: load "golden" with startup false
CREATE OR REPLACE TABLE "课程统计" AS
SELECT *
FROM read_csv('golden/课程统计.csv', header = true, delim = ',', quote = '"', escape = '"',
    nullstr = ['', '-', '—', '/', 'NULL', 'N/A', '#N/A', '无', '暂无'], allow_quoted_nulls = false, auto_detect = false,
    columns = {'课程编号': 'VARCHAR', '课程名称': 'VARCHAR', '选课 人数': 'BIGINT', 'count': 'BIGINT'});

-- queries.tally:8: count enrollments by project
WITH r AS (
  SELECT t1."project" AS c1, count(*) AS c2
  FROM "enrollments" AS t1
  GROUP BY 1
),
s AS (SELECT * FROM r)
SELECT c1 AS "project", c2 AS "count" FROM s
ORDER BY c1 NULLS LAST;

-- queries.tally:9: count, sum(participated), avg(hours_earned) enrollments where paid and hours_earned is not null by project total "合计"
WITH r AS (
  SELECT t1."project" AS c1, count(*) AS c2, CAST(sum(CAST(t1."participated" AS BIGINT)) AS BIGINT) AS c3, (CAST(fsum(t1."hours_earned") AS DOUBLE) / count(t1."hours_earned")) AS c4
  FROM "enrollments" AS t1
  WHERE (t1."paid" AND (t1."hours_earned" IS NOT NULL))
  GROUP BY 1
),
s AS (SELECT * FROM r)
SELECT "project", "count", "sum(participated)", "avg(hours_earned)", __total FROM (
  SELECT c1 AS "project", c2 AS "count", c3 AS "sum(participated)", c4 AS "avg(hours_earned)", FALSE AS __total, 0 AS __last, k1 FROM (SELECT *, c1 AS k1 FROM s) AS kept_rows
UNION ALL
  SELECT tot.x1, tot.x2, tot.x3, tot.x4, TRUE, 1, NULL
  FROM (
    SELECT '合计', count(*), CAST(sum(CAST(t1."participated" AS BIGINT)) AS BIGINT), (CAST(fsum(t1."hours_earned") AS DOUBLE) / count(t1."hours_earned"))
    FROM "enrollments" AS t1
    WHERE (t1."paid" AND (t1."hours_earned" IS NOT NULL))
  ) AS tot(x1, x2, x3, x4)
) AS u
ORDER BY __last, k1 NULLS LAST;

-- queries.tally:10: count distinct teacher_id as 人数 enrollments by teachers.district pct sort 人数 desc
WITH r AS (
  SELECT l2."district" AS c1, count(DISTINCT t1."teacher_id") AS c2, CASE WHEN sum(CAST(count(DISTINCT t1."teacher_id") AS DOUBLE)) OVER () = 0 THEN NULL ELSE CAST(count(DISTINCT t1."teacher_id") AS DOUBLE) / sum(CAST(count(DISTINCT t1."teacher_id") AS DOUBLE)) OVER () * 100 END AS c3
  FROM "enrollments" AS t1
      LEFT JOIN "teachers" AS l2 ON l2."teacher_id" = t1."teacher_id"
  GROUP BY 1
),
s AS (SELECT * FROM r)
SELECT c1 AS "district", c2 AS "人数", c3 AS "share" FROM s
ORDER BY c2 DESC NULLS LAST, c1 NULLS LAST;

-- queries.tally:11: passrate courses where enrolled > 0 bucket 90, 80, 70, 60
WITH g AS (
  SELECT ((CAST(CAST(sum(t1."passed") AS BIGINT) AS DOUBLE) / NULLIF(CAST(CAST(sum(t1."participated") AS BIGINT) AS DOUBLE), 0)) * 100) AS v
  FROM "courses" AS t1
  WHERE (t1."enrolled" > 0)
  GROUP BY t1.rowid
),
banded AS (
  SELECT CASE WHEN v IS NULL OR isnan(CAST(v AS DOUBLE)) THEN 5 WHEN v >= CAST('90.0' AS DOUBLE) THEN 0 WHEN v >= CAST('80.0' AS DOUBLE) THEN 1 WHEN v >= CAST('70.0' AS DOUBLE) THEN 2 WHEN v >= CAST('60.0' AS DOUBLE) THEN 3 ELSE 4 END AS band FROM g
),
r AS (
  SELECT b2.label AS c1, count(banded.band) AS c2, CASE WHEN (SELECT count(*) FROM g) = 0 THEN NULL ELSE CAST(count(banded.band) AS DOUBLE) / (SELECT count(*) FROM g) * 100 END AS c3, b2.i AS __band
  FROM (VALUES (0, '≥90'), (1, '80–90'), (2, '70–80'), (3, '60–70'), (4, '<60'), (5, 'null')) AS b2(i, label)
  LEFT JOIN banded ON banded.band = b2.i
  GROUP BY b2.i, b2.label
  HAVING b2.i < 5 OR count(banded.band) > 0
),
s AS (SELECT * FROM r)
SELECT c1 AS "passrate", c2 AS "count", c3 AS "share" FROM s
ORDER BY __band;

-- queries.tally:12: count, sum(hours) courses bucket hours at 10, 5 total
WITH r AS (
  SELECT b2.label AS c1, count(t1.rowid) AS c2, CAST(sum(t1."hours") AS BIGINT) AS c3, CASE WHEN sum(CAST(count(t1.rowid) AS DOUBLE)) OVER () = 0 THEN NULL ELSE CAST(count(t1.rowid) AS DOUBLE) / sum(CAST(count(t1.rowid) AS DOUBLE)) OVER () * 100 END AS c4, b2.i AS __band
  FROM (VALUES (0, '10+'), (1, '5–9'), (2, '<5'), (3, 'null')) AS b2(i, label)
  LEFT JOIN "courses" AS t1 ON CASE WHEN t1."hours" IS NULL OR isnan(CAST(t1."hours" AS DOUBLE)) THEN 3 WHEN t1."hours" >= CAST('10.0' AS DOUBLE) THEN 0 WHEN t1."hours" >= CAST('5.0' AS DOUBLE) THEN 1 ELSE 2 END = b2.i
  GROUP BY b2.i, b2.label
  HAVING b2.i < 3 OR count(t1.rowid) > 0
),
s AS (SELECT * FROM r)
SELECT "hours", "count", "sum(hours)", "share", __total FROM (
  SELECT c1 AS "hours", c2 AS "count", c3 AS "sum(hours)", c4 AS "share", FALSE AS __total, 0 AS __last, k1 FROM (SELECT *, __band AS k1 FROM s) AS kept_rows
UNION ALL
  SELECT tot.x1, tot.x2, tot.x3, tot.x4, TRUE, 1, NULL
  FROM (
    SELECT 'total', count(*), CAST(sum(t1."hours") AS BIGINT), CAST('100.0' AS DOUBLE)
    FROM "courses" AS t1
  ) AS tot(x1, x2, x3, x4)
) AS u
ORDER BY __last, k1;

-- queries.tally:13: count logins by teacher_id sort count desc top 3 with ties rank as 名次
WITH r AS (
  SELECT t1."teacher_id" AS c1, count(*) AS c2
  FROM "logins" AS t1
  GROUP BY 1
),
s AS (SELECT *, rank() OVER (ORDER BY c2 DESC NULLS LAST) AS __rank, row_number() OVER (ORDER BY c2 DESC NULLS LAST, c1 NULLS LAST) AS __n FROM r)
SELECT __rank AS "名次", c1 AS "teacher_id", c2 AS "count" FROM s
WHERE __rank <= 3
ORDER BY c2 DESC NULLS LAST, c1 NULLS LAST;

-- queries.tally:14: count distinct teacher_id as 人数 enrollments by teachers.district, teachers.school sort 人数 desc top 1 per district
WITH r AS (
  SELECT l2."district" AS c1, l2."school" AS c2, count(DISTINCT t1."teacher_id") AS c3
  FROM "enrollments" AS t1
      LEFT JOIN "teachers" AS l2 ON l2."teacher_id" = t1."teacher_id"
  GROUP BY 1, 2
),
s AS (SELECT *, rank() OVER (PARTITION BY c1 ORDER BY c3 DESC NULLS LAST) AS __rank, row_number() OVER (PARTITION BY c1 ORDER BY c3 DESC NULLS LAST, c1 NULLS LAST, c2 NULLS LAST) AS __n FROM r)
SELECT c1 AS "district", c2 AS "school", c3 AS "人数" FROM s
WHERE __n <= 1
ORDER BY c3 DESC NULLS LAST, c1 NULLS LAST, c2 NULLS LAST;

-- queries.tally:15: count logins where client = "App" by all teachers.district
WITH r AS (
  SELECT d3.v AS c1, count(t1.rowid) AS c2
  FROM (SELECT v4."district" AS v FROM "teachers" AS v4
      UNION SELECT l2."district" FROM "logins" AS t1
      LEFT JOIN "teachers" AS l2 ON l2."teacher_id" = t1."teacher_id"
  WHERE (t1."client" = 'App')) AS d3
  LEFT JOIN ("logins" AS t1
      LEFT JOIN "teachers" AS l2 ON l2."teacher_id" = t1."teacher_id") ON d3.v IS NOT DISTINCT FROM l2."district" AND (t1."client" = 'App')
  GROUP BY d3.v
),
s AS (SELECT * FROM r)
SELECT c1 AS "district", c2 AS "count" FROM s
ORDER BY c1 NULLS LAST;

-- queries.tally:16: count enrollments by teachers.stage across project ("市常规远程培训", "提升工程2.0") total
WITH r AS (
  SELECT l2."stage" AS c1, count(*) FILTER (WHERE t1."project" = '市常规远程培训') AS c2, count(*) FILTER (WHERE t1."project" = '提升工程2.0') AS c3, count(*) AS c4
  FROM "enrollments" AS t1
      LEFT JOIN "teachers" AS l2 ON l2."teacher_id" = t1."teacher_id"
  WHERE (t1."project" = '市常规远程培训' OR t1."project" = '提升工程2.0')
  GROUP BY 1
),
s AS (SELECT * FROM r)
SELECT "stage", "市常规远程培训", "提升工程2.0", "total", __total FROM (
  SELECT c1 AS "stage", c2 AS "市常规远程培训", c3 AS "提升工程2.0", c4 AS "total", FALSE AS __total, 0 AS __last, k1 FROM (SELECT *, c1 AS k1 FROM s) AS kept_rows
UNION ALL
  SELECT tot.x1, tot.x2, tot.x3, tot.x4, TRUE, 1, NULL
  FROM (
    SELECT 'total', count(*) FILTER (WHERE t1."project" = '市常规远程培训'), count(*) FILTER (WHERE t1."project" = '提升工程2.0'), count(*)
    FROM "enrollments" AS t1
        LEFT JOIN "teachers" AS l2 ON l2."teacher_id" = t1."teacher_id"
    WHERE (t1."project" = '市常规远程培训' OR t1."project" = '提升工程2.0')
  ) AS tot(x1, x2, x3, x4)
) AS u
ORDER BY __last, k1 NULLS LAST;

-- queries.tally:17: list teacher_id, name, joined + 365 as 满一年 teachers where in_service and teacher_id not in (logins where client = "App") sort 满一年 desc
WITH r AS (
  SELECT t1."teacher_id" AS c1, t1."name" AS c2, CAST(t1."joined" + 365 AS DATE) AS c3, t1.rowid AS __row
  FROM "teachers" AS t1
  WHERE (t1."in_service" AND (t1."teacher_id" NOT IN (SELECT m2."teacher_id" FROM "logins" AS m2 WHERE m2."teacher_id" IS NOT NULL AND (m2."client" = 'App'))))
),
s AS (SELECT * FROM r)
SELECT c1 AS "teacher_id", c2 AS "name", c3 AS "满一年" FROM s
ORDER BY c3 DESC NULLS LAST, __row;

-- queries.tally:18: count tutor_ratings by rating sort rating ("很满意", "满意", "一般") total
WITH r AS (
  SELECT t1."rating" AS c1, count(*) AS c2
  FROM "tutor_ratings" AS t1
  GROUP BY 1
),
s AS (SELECT * FROM r)
SELECT "rating", "count", __total FROM (
  SELECT c1 AS "rating", c2 AS "count", FALSE AS __total, 0 AS __last, k1, k2, k3 FROM (SELECT *, CASE WHEN c1 = '很满意' THEN 0 WHEN c1 = '满意' THEN 1 WHEN c1 = '一般' THEN 2 ELSE 3 END AS k1, c1 AS k2, c1 AS k3 FROM s) AS kept_rows
UNION ALL
  SELECT tot.x1, tot.x2, TRUE, 1, NULL, NULL, NULL
  FROM (
    SELECT 'total', count(*)
    FROM "tutor_ratings" AS t1
  ) AS tot(x1, x2)
) AS u
ORDER BY __last, k1, k2 NULLS LAST, k3 NULLS LAST;

-- queries.tally:19: passrate, count enrollments by project having count >= 2 sort passrate desc
WITH r AS (
  SELECT t1."project" AS c1, ((CAST(CAST(sum(CAST(t1."passed" AS BIGINT)) AS BIGINT) AS DOUBLE) / NULLIF(CAST(CAST(sum(CAST(t1."participated" AS BIGINT)) AS BIGINT) AS DOUBLE), 0)) * 100) AS c2, count(*) AS c3
  FROM "enrollments" AS t1
  GROUP BY 1
  HAVING (count(*) >= 2)
),
s AS (SELECT * FROM r)
SELECT c1 AS "project", c2 AS "passrate", c3 AS "count" FROM s
ORDER BY c2 DESC NULLS LAST, c1 NULLS LAST;

-- queries.tally:20: count logins by format_date(login_at, "%Y-%m") as 月份, weekday(login_at) as 星期
WITH r AS (
  SELECT strftime(t1."login_at", '%Y-%m') AS c1, CAST(isodow(t1."login_at") AS BIGINT) AS c2, count(*) AS c3
  FROM "logins" AS t1
  GROUP BY 1, 2
),
s AS (SELECT * FROM r)
SELECT c1 AS "月份", c2 AS "星期", c3 AS "count" FROM s
ORDER BY c1 NULLS LAST, c2 NULLS LAST;

-- queries.tally:21: count teachers where name like "王%" or contains(school, "实验") and length(name) = 2
WITH r AS (
  SELECT count(*) AS c1
  FROM "teachers" AS t1
  WHERE ((t1."name" LIKE '王%' ESCAPE '\') OR (contains(t1."school", '实验') AND (CAST(length(t1."name") AS BIGINT) = 2)))
),
s AS (SELECT * FROM r)
SELECT c1 AS "count" FROM s;

-- queries.tally:22: print (count enrollments where participated) / (count enrollments) * 100
SELECT ((CAST((SELECT "count" FROM (
  WITH r AS (
    SELECT count(*) AS c1
    FROM "enrollments" AS t1
    WHERE t1."participated"
  ),
  s AS (SELECT * FROM r)
  SELECT c1 AS "count" FROM s
) AS q3) AS DOUBLE) / NULLIF(CAST((SELECT "count" FROM (
  WITH r AS (
    SELECT count(*) AS c1
    FROM "enrollments" AS t4
  ),
  s AS (SELECT * FROM r)
  SELECT c1 AS "count" FROM s
) AS q6) AS DOUBLE), 0)) * 100) AS value;

-- queries.tally:23: describe courses
WITH g1 AS (SELECT "course_id" AS v, count(*) AS n FROM "courses" GROUP BY "course_id"),
g2 AS (SELECT "title" AS v, count(*) AS n FROM "courses" GROUP BY "title"),
g3 AS (SELECT "project" AS v, count(*) AS n FROM "courses" GROUP BY "project"),
g4 AS (SELECT "provider" AS v, count(*) AS n FROM "courses" GROUP BY "provider"),
g5 AS (SELECT "hours" AS v, count(*) AS n FROM "courses" GROUP BY "hours"),
g6 AS (SELECT "tutors" AS v, count(*) AS n FROM "courses" GROUP BY "tutors"),
g7 AS (SELECT "enrolled" AS v, count(*) AS n FROM "courses" GROUP BY "enrolled"),
g8 AS (SELECT "participated" AS v, count(*) AS n FROM "courses" GROUP BY "participated"),
g9 AS (SELECT "passed" AS v, count(*) AS n FROM "courses" GROUP BY "passed")
SELECT 1 AS s, 0 AS k, count(v) AS n FROM g1
UNION ALL SELECT 1, 1, coalesce(sum(CASE WHEN v IS NULL THEN n END), 0) FROM g1
UNION ALL SELECT 2 AS s, 0 AS k, count(v) AS n FROM g2
UNION ALL SELECT 2, 1, coalesce(sum(CASE WHEN v IS NULL THEN n END), 0) FROM g2
UNION ALL SELECT 3 AS s, 0 AS k, count(v) AS n FROM g3
UNION ALL SELECT 3, 1, coalesce(sum(CASE WHEN v IS NULL THEN n END), 0) FROM g3
UNION ALL SELECT 4 AS s, 0 AS k, count(v) AS n FROM g4
UNION ALL SELECT 4, 1, coalesce(sum(CASE WHEN v IS NULL THEN n END), 0) FROM g4
UNION ALL SELECT 5 AS s, 0 AS k, count(v) AS n FROM g5
UNION ALL SELECT 5, 1, coalesce(sum(CASE WHEN v IS NULL THEN n END), 0) FROM g5
UNION ALL SELECT 6 AS s, 0 AS k, count(v) AS n FROM g6
UNION ALL SELECT 6, 1, coalesce(sum(CASE WHEN v IS NULL THEN n END), 0) FROM g6
UNION ALL SELECT 7 AS s, 0 AS k, count(v) AS n FROM g7
UNION ALL SELECT 7, 1, coalesce(sum(CASE WHEN v IS NULL THEN n END), 0) FROM g7
UNION ALL SELECT 8 AS s, 0 AS k, count(v) AS n FROM g8
UNION ALL SELECT 8, 1, coalesce(sum(CASE WHEN v IS NULL THEN n END), 0) FROM g8
UNION ALL SELECT 9 AS s, 0 AS k, count(v) AS n FROM g9
UNION ALL SELECT 9, 1, coalesce(sum(CASE WHEN v IS NULL THEN n END), 0) FROM g9;

-- queries.tally:24: summary tutor_ratings
WITH g1 AS (SELECT "teacher_id" AS v, count(*) AS n FROM "tutor_ratings" GROUP BY "teacher_id"),
g2 AS (SELECT "course_id" AS v, count(*) AS n FROM "tutor_ratings" GROUP BY "course_id"),
g3 AS (SELECT "tutor_id" AS v, count(*) AS n FROM "tutor_ratings" GROUP BY "tutor_id"),
g4 AS (SELECT "rating" AS v, count(*) AS n FROM "tutor_ratings" GROUP BY "rating")
SELECT 1 AS s, 0 AS k, min(v), count(v) AS n FROM g1
UNION ALL SELECT 1, 1, max(v), coalesce(sum(CASE WHEN v IS NULL THEN n END), 0) FROM g1
UNION ALL SELECT 1, 2 + r, v, n FROM (SELECT v, n, row_number() OVER (ORDER BY n DESC, v) AS r FROM g1 WHERE v IS NOT NULL) AS r1 WHERE r <= 3
UNION ALL SELECT 2 AS s, 0 AS k, min(v), count(v) AS n FROM g2
UNION ALL SELECT 2, 1, max(v), coalesce(sum(CASE WHEN v IS NULL THEN n END), 0) FROM g2
UNION ALL SELECT 2, 2 + r, v, n FROM (SELECT v, n, row_number() OVER (ORDER BY n DESC, v) AS r FROM g2 WHERE v IS NOT NULL) AS r2 WHERE r <= 3
UNION ALL SELECT 3 AS s, 0 AS k, min(v), count(v) AS n FROM g3
UNION ALL SELECT 3, 1, max(v), coalesce(sum(CASE WHEN v IS NULL THEN n END), 0) FROM g3
UNION ALL SELECT 3, 2 + r, v, n FROM (SELECT v, n, row_number() OVER (ORDER BY n DESC, v) AS r FROM g3 WHERE v IS NOT NULL) AS r3 WHERE r <= 3
UNION ALL SELECT 4 AS s, 0 AS k, min(v), count(v) AS n FROM g4
UNION ALL SELECT 4, 1, max(v), coalesce(sum(CASE WHEN v IS NULL THEN n END), 0) FROM g4
UNION ALL SELECT 4, 2 + r, v, n FROM (SELECT v, n, row_number() OVER (ORDER BY n DESC, v) AS r FROM g4 WHERE v IS NOT NULL) AS r4 WHERE r <= 3;
