-- title: 企业按行业与角色分布
-- scope: report
-- description: Firms by sector: each industry with the firms the report presents in it (case studies), plus how many firms appear on the leader list and in the vendor table, and which research sources it cites.
-- section: case_baidu_qingge, leader_logos, business_models
SELECT i.name_zh AS sector, 'case study' AS role, count(*) AS firms, group_concat(coalesce(f.name_zh, f.name_en), '、') AS names
FROM firm_industry AS fi
JOIN industry AS i USING (industry_id)
JOIN firm AS f USING (firm_id)
WHERE fi.source_note IS NULL AND i.source_note IS NULL AND f.source_note IS NULL
GROUP BY i.industry_id
UNION ALL
SELECT '大模型厂商', 'vendor table', count(DISTINCT p.firm_id),
       (SELECT group_concat(n, '、') FROM (SELECT DISTINCT f2.name_zh AS n FROM product AS p2 JOIN firm AS f2 USING (firm_id)
                                          WHERE p2.section_id = 'business_models' AND p2.layer = 'model' AND p2.source_note IS NULL
                                          AND f2.source_note IS NULL ORDER BY p2.source_line))
FROM product AS p
WHERE p.section_id = 'business_models' AND p.layer = 'model' AND p.firm_id IS NOT NULL AND p.source_note IS NULL
UNION ALL
SELECT 'AIGC场景应用领航者', 'leader list', count(*), group_concat(coalesce(f.name_zh, f.name_en), '、')
FROM (SELECT * FROM leader_entry WHERE source_note IS NULL ORDER BY position) AS e
JOIN firm AS f USING (firm_id)
WHERE f.source_note IS NULL
UNION ALL
SELECT '研究机构与数据来源', src.kind, count(*), group_concat(coalesce(src.name_zh, src.name_en), '、')
FROM (SELECT * FROM firm WHERE kind <> 'company' AND source_note IS NULL ORDER BY kind, source_line, firm_id) AS src
GROUP BY src.kind;
