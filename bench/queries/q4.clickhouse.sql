-- Q4 for ClickHouse: logins per ISO week and client. ClickHouse's week() is MySQL's (mode 0:
-- weeks from Sunday, 0–53), not the ISO week: toISOWeek is. Like week() in DuckDB and Tally it
-- is the week number alone (the sample covers one ISO year; toISOYear would tell years apart).
SELECT toISOWeek(login_at) AS iso_week, client, count(*) AS logins
FROM logins
GROUP BY iso_week, client
ORDER BY iso_week, client;
