-- title: 应用层的两类业态
-- scope: report
-- description: The application layer's consumer terminals (消费级终端) and industry solutions (行业解决方案): whom they serve, their competitive barriers and the report's typical firms.
-- section: app_layer
SELECT name_zh AS segment, customers, barriers, typical_firms, source_line
FROM app_segment
WHERE source_note IS NULL
ORDER BY source_line;
