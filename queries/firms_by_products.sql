-- title: 各企业的产品数量
-- scope: report
-- description: Firms by number of products the report names for them, split into model-layer and application-layer products, most first.
-- section: business_models, case_netease_fuxi
SELECT coalesce(f.name_zh, f.name_en) AS firm,
       f.name_en,
       count(p.product_id) AS products,
       sum(p.layer = 'model') AS model_layer,
       sum(p.layer = 'application') AS application_layer,
       group_concat(DISTINCT p.category) AS categories
FROM firm AS f
-- Ordered so that categories list in one order whichever index serves the join.
JOIN (SELECT * FROM product WHERE source_note IS NULL ORDER BY firm_id, category, name) AS p USING (firm_id)
WHERE f.source_note IS NULL
GROUP BY f.firm_id
ORDER BY products DESC, firm;
