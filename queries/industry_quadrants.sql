-- title: 各行业应用AIGC潜力矩阵
-- scope: report
-- description: Industries by AIGC-potential quadrant. The matrix itself was an image; a quadrant is given only where the text characterises the industry on both axes (quadrant_basis = derived), otherwise it is NULL. Quadrants with no industry still appear.
-- section: industry_potential
SELECT * FROM (
SELECT CASE q.quadrant_id WHEN 'hot' THEN 1 WHEN 'rising' THEN 2 WHEN 'potential' THEN 3 ELSE 4 END AS quadrant_no,
       q.name_zh AS quadrant,
       q.transformability,
       q.commercial_potential,
       i.name_zh AS industry,
       i.quadrant_basis,
       i.assessment
FROM potential_quadrant AS q
LEFT JOIN industry AS i ON i.quadrant_id = q.quadrant_id AND i.source_note IS NULL
WHERE q.source_note IS NULL
UNION ALL
SELECT 5, NULL, NULL, NULL, i.name_zh, NULL, i.assessment
FROM industry AS i
WHERE i.quadrant_id IS NULL AND i.source_note IS NULL
) AS quadrants
ORDER BY quadrant_no, industry IS NOT NULL, industry;
