-- title: 玉言相对人类的领先与落后
-- scope: report
-- description: Where 玉言 beats or trails humans and by how much: points ahead (negative = behind) and the ratio to the human score, largest lead first. The last row checks that each overall score is the mean of the six tasks, as the report's totals are.
-- section: case_netease_fuxi
WITH scores AS (
  SELECT t.task_id, t.name_zh, t.is_total, t.ordinal, y.score AS yuyan, h.score AS human
  FROM benchmark_task AS t
  JOIN benchmark_score AS y ON y.task_id = t.task_id AND y.subject = '玉言'
  JOIN benchmark_score AS h ON h.task_id = t.task_id AND h.subject = '人类'
  WHERE t.benchmark = 'CLUE1.1' AND t.source_note IS NULL AND y.source_note IS NULL AND h.source_note IS NULL
)
SELECT * FROM (
SELECT task_id AS task,
       name_zh AS task_zh,
       yuyan,
       human,
       round(CAST(yuyan - human AS NUMERIC), 3) AS lead_points,
       round(CAST(yuyan / human AS NUMERIC), 4) AS ratio_to_human,
       CASE WHEN yuyan > human THEN '玉言领先' WHEN yuyan < human THEN '人类领先' ELSE '持平' END AS verdict
FROM scores
WHERE is_total = 0
UNION ALL
SELECT 'mean of tasks', '六项平均',
       round(CAST((SELECT avg(yuyan) FROM scores WHERE is_total = 0) AS NUMERIC), 3),
       round(CAST((SELECT avg(human) FROM scores WHERE is_total = 0) AS NUMERIC), 3),
       round(CAST((SELECT avg(yuyan) - avg(human) FROM scores WHERE is_total = 0) AS NUMERIC), 3),
       round(CAST((SELECT avg(yuyan) / avg(human) FROM scores WHERE is_total = 0) AS NUMERIC), 4),
       CASE WHEN abs((SELECT avg(yuyan) FROM scores WHERE is_total = 0) - (SELECT yuyan FROM scores WHERE is_total = 1)) < 0.0005
             AND abs((SELECT avg(human) FROM scores WHERE is_total = 0) - (SELECT human FROM scores WHERE is_total = 1)) < 0.0005
            THEN '与总分一致' ELSE '与总分不一致' END
) AS gap
ORDER BY task = 'mean of tasks', lead_points DESC;
