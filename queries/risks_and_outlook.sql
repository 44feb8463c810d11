-- title: AIGC发展困境与未来展望
-- scope: report
-- description: The five risks (发展困境) and four directions (未来展望) the report lists.
-- section: challenges
SELECT CASE kind WHEN 'risk' THEN '发展困境' ELSE '未来展望' END AS kind, ordinal, title, description
FROM outlook_item
WHERE source_note IS NULL
ORDER BY kind DESC, ordinal;
