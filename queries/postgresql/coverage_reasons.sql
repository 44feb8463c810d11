-- PostgreSQL variant of queries/coverage_reasons.sql (same columns, same rows):
-- the JSON array of lines read with json_array_elements_text.
WITH nonblank(line) AS (
  SELECT CAST(j.value AS INTEGER) FROM report_text AS r, json_array_elements_text(CAST(r.nonblank_lines AS json)) AS j(value) WHERE r.source_note IS NULL
), listed(line, reason) AS (
  SELECT n.line, t.reason FROM nonblank AS n JOIN text_line AS t ON n.line BETWEEN t.first_line AND t.last_line AND t.source_note IS NULL
)
SELECT 'cited by a fact row' AS account, count(*) - (SELECT count(*) FROM listed) AS lines, NULL AS ranges
FROM nonblank
UNION ALL
SELECT reason, count(*), (SELECT count(*) FROM text_line AS t WHERE t.reason = l.reason AND t.source_note IS NULL)
FROM listed AS l GROUP BY reason
ORDER BY lines DESC, account;
