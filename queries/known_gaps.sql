-- title: 已知缺失与不确定之处
-- scope: report
-- description: What the extraction lost or the text leaves unknown, and what the warehouse does about it; nothing here is filled in with invented values.
-- section: leader_list, funding, outlook_app_layer
SELECT g.gap_id, g.what, g.consequence, s.title AS section, g.source_line
FROM known_gap AS g
LEFT JOIN report_section AS s USING (section_id)
WHERE g.source_note IS NULL
ORDER BY g.source_line;
