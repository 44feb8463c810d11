-- title: 网易玉言大模型与人类在CLUE1.1分类任务上的得分
-- scope: report
-- description: The report's table of 玉言 against humans: the overall score and the six CLUE1.1 classification tasks, in the report's column order. OCNL1-50K is corrected to OCNLI-50K.
-- section: case_netease_fuxi
SELECT t.task_id AS task,
       t.name_zh AS task_zh,
       y.score_text AS yuyan,
       h.score_text AS human
FROM benchmark_task AS t
JOIN benchmark_score AS y ON y.task_id = t.task_id AND y.subject = '玉言'
JOIN benchmark_score AS h ON h.task_id = t.task_id AND h.subject = '人类'
WHERE t.benchmark = 'CLUE1.1' AND t.source_note IS NULL AND y.source_note IS NULL AND h.source_note IS NULL
ORDER BY t.ordinal;
