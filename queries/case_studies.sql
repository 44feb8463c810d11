-- title: 典型企业案例
-- description: The report's case studies: the firm, the industry it stands for, and the products the case names.
-- section: case_baidu_qingge, case_netease_fuxi, case_bainaqiancheng, case_shopify_magic, case_bloomberggpt, case_huawei_eihealth
SELECT i.name_zh AS industry,
       coalesce(f.name_zh, f.name_en) AS firm,
       fi.note AS case_title,
       (SELECT group_concat(name, '、') FROM (SELECT name FROM product AS p
                                             WHERE p.firm_id = f.firm_id AND p.section_id LIKE 'case_%' ORDER BY p.source_line)) AS products,
       fi.source_line
FROM firm_industry AS fi
JOIN firm AS f USING (firm_id)
JOIN industry AS i USING (industry_id)
WHERE fi.role = 'case study'
ORDER BY fi.source_line;
