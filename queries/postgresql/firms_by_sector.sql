-- PostgreSQL variant of queries/firms_by_sector.sql (same columns, same rows):
-- string_agg(... ORDER BY) for group_concat over an ordered subquery, in the
-- same order (source line, then key).
SELECT i.name_zh AS sector, 'case study' AS role, count(*) AS firms,
       string_agg(coalesce(f.name_zh, f.name_en), '、' ORDER BY fi.source_line) AS names
FROM firm_industry AS fi
JOIN industry AS i USING (industry_id)
JOIN firm AS f USING (firm_id)
WHERE fi.source_note IS NULL AND i.source_note IS NULL AND f.source_note IS NULL
GROUP BY i.industry_id, i.name_zh
UNION ALL
SELECT '大模型厂商', 'vendor table', count(DISTINCT p.firm_id),
       (SELECT string_agg(n, '、' ORDER BY first_line) FROM (SELECT f2.name_zh AS n, min(p2.source_line) AS first_line
                                                          FROM product AS p2 JOIN firm AS f2 USING (firm_id)
                                                          WHERE p2.section_id = 'business_models' AND p2.layer = 'model'
                                                            AND p2.source_note IS NULL AND f2.source_note IS NULL
                                                          GROUP BY f2.name_zh) AS vendors)
FROM product AS p
WHERE p.section_id = 'business_models' AND p.layer = 'model' AND p.firm_id IS NOT NULL AND p.source_note IS NULL
UNION ALL
SELECT 'AIGC场景应用领航者', 'leader list', count(*), string_agg(coalesce(f.name_zh, f.name_en), '、' ORDER BY e.position)
FROM leader_entry AS e
JOIN firm AS f USING (firm_id)
WHERE e.source_note IS NULL AND f.source_note IS NULL
UNION ALL
SELECT '研究机构与数据来源', src.kind, count(*), string_agg(coalesce(src.name_zh, src.name_en), '、' ORDER BY src.source_line, src.firm_id)
FROM firm AS src
WHERE src.kind <> 'company' AND src.source_note IS NULL
GROUP BY src.kind;
