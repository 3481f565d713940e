-- Q1: enrollments per project, participated count, participation rate (participated ÷ all × 100).
SELECT project,
       count(*) AS enrollments,
       sum(CASE WHEN participated = '是' THEN 1 ELSE 0 END) AS n_participated,
       CAST(sum(CASE WHEN participated = '是' THEN 1 ELSE 0 END) AS DOUBLE) / count(*) * 100 AS rate
FROM enrollments
GROUP BY project
ORDER BY project;
