-- title: 如何理解“iPhone时刻”：过去 → 现在
-- scope: report
-- description: The iPhone-moment page's two comparisons, as printed: the computer's change (PC接入网络 → 手机随时上网, 功能性 → 易用性) and AI's change, each row with the label printed between its two sides (可用性提升, 通用性提升, 易用性提升; the last row has none).
-- section: iphone_moment
SELECT domain, position, aspect, before AS "过去", after AS "现在", source_line, after_line
FROM paradigm_shift
WHERE source_note IS NULL
ORDER BY domain = '人工智能变革', position;
