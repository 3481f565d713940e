-- Q4 for sqlite: logins per ISO week and client. sqlite 3.40 (Debian 12) has no ISO-week
-- format (%V came in 3.46): the ISO week is the day-of-year of the Thursday of the row's
-- Monday-to-Sunday week, (doy - 1) / 7 + 1. login_at is text ('2020-10-13 08:30:00').
SELECT (CAST(strftime('%j', date(login_at, '-3 days', 'weekday 4')) AS INTEGER) - 1) / 7 + 1 AS iso_week,
       client,
       count(*) AS logins
FROM logins
GROUP BY iso_week, client
ORDER BY iso_week, client;
