-- title: 典型企业案例
-- scope: report
-- description: The report's case studies: the firm, the industry it stands for, and the products the case names.
-- section: case_baidu_qingge, case_netease_fuxi, case_bainaqiancheng, case_shopify_magic, case_bloomberggpt, case_huawei_eihealth
SELECT i.name_zh AS industry,
       coalesce(f.name_zh, f.name_en) AS firm,
       fi.note AS case_title,
       (SELECT group_concat(name, '、') FROM (SELECT name FROM product AS p
                                             WHERE p.firm_id = f.firm_id AND p.section_id LIKE 'case_%' AND p.source_note IS NULL ORDER BY p.source_line)) AS products,
       fi.source_line
FROM firm_industry AS fi
JOIN firm AS f USING (firm_id)
JOIN industry AS i USING (industry_id)
WHERE fi.role = 'case study' AND fi.source_note IS NULL AND f.source_note IS NULL AND i.source_note IS NULL
ORDER BY fi.source_line;
