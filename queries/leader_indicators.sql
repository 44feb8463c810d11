-- title: 2023年iResearch-AIGC场景应用领航者核心评估指标
-- scope: report
-- description: The leader list's five first-level indicators (一级指标), what each measures, and their second-level indicators (二级指标) in the report's order.
-- section: leader_indicators
SELECT d.ordinal AS dimension_no,
       d.name_zh AS dimension,
       d.measures,
       i.ordinal AS indicator_no,
       i.name_zh AS indicator
FROM evaluation_dimension AS d
JOIN evaluation_indicator AS i USING (dimension_id)
WHERE d.source_note IS NULL AND i.source_note IS NULL
ORDER BY d.ordinal, i.ordinal;
