-- title: 用户新增的企业与产品 · firms and products you added
-- scope: analysis
-- description: Firms and products users loaded that the report does not name: rows with a source_note whose name matches no firm or product of the report. prices counts each product's price rows (report and user alike); source is the user's source_note.
-- section: business_models
SELECT 'firm' AS kind,
       f.firm_id AS id,
       coalesce(f.name_zh, f.name_en) AS name,
       NULL AS firm,
       f.kind AS category,
       (SELECT count(*) FROM product AS p2 WHERE p2.firm_id = f.firm_id) AS products,
       NULL AS prices,
       'user: ' || f.source_note AS source
FROM firm AS f
WHERE f.source_note IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM firm AS rf WHERE rf.source_note IS NULL
                  AND (rf.name_zh = f.name_zh OR rf.name_en = f.name_en))
UNION ALL
SELECT 'product',
       p.product_id,
       p.name,
       coalesce(pf.name_zh, pf.name_en),
       p.layer || ' / ' || p.category,
       NULL,
       (SELECT count(*) FROM pricing AS pr WHERE pr.product_id = p.product_id),
       'user: ' || p.source_note
FROM product AS p
LEFT JOIN firm AS pf ON pf.firm_id = p.firm_id
WHERE p.source_note IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM product AS rp WHERE rp.source_note IS NULL AND rp.name = p.name)
ORDER BY kind, id;
