-- Q4: logins per ISO week and client (DuckDB: week() is the ISO week).
SELECT week(login_at) AS iso_week, client, count(*) AS logins
FROM logins
GROUP BY iso_week, client
ORDER BY iso_week, client;
