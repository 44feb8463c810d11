-- title: 报告逐行覆盖（按理由）
-- scope: report
-- description: The report's non-blank lines by how they are accounted for: cited by a fact row, or listed in text_line under each reason of its closed set, with the number of ledger ranges. The figures the README's coverage paragraph gives.
-- section: cover
WITH nonblank(line) AS (
  SELECT CAST(j.value AS INTEGER) FROM report_text AS r, json_each(r.nonblank_lines) AS j WHERE r.source_note IS NULL
), listed(line, reason) AS (
  SELECT n.line, t.reason FROM nonblank AS n JOIN text_line AS t ON n.line BETWEEN t.first_line AND t.last_line AND t.source_note IS NULL
)
SELECT 'cited by a fact row' AS account, count(*) - (SELECT count(*) FROM listed) AS lines, NULL AS ranges
FROM nonblank
UNION ALL
SELECT reason, count(*), (SELECT count(*) FROM text_line AS t WHERE t.reason = l.reason AND t.source_note IS NULL)
FROM listed AS l GROUP BY reason
ORDER BY lines DESC, account;
