-- title: 各厂商大模型价格区间倍数
-- scope: report
-- description: Price spread per vendor: the highest list price divided by the lowest, from the vendor table's per-thousand-token ranges. Vendors without a printed price (华为: 根据使用资源情况价格不等) are shown with NULL.
-- section: business_models
SELECT * FROM (
SELECT coalesce(f.name_zh, f.name_en) AS vendor,
       p.name AS product,
       pr.price_min,
       pr.price_max,
       pr.currency,
       pr.unit,
       round(CAST(pr.price_max / pr.price_min AS NUMERIC), 2) AS max_over_min,
       pr.price_text
FROM pricing AS pr
JOIN product AS p USING (product_id)
JOIN firm AS f ON f.firm_id = p.firm_id
WHERE pr.section_id = 'business_models' AND p.layer = 'model' AND pr.source_note IS NULL AND p.source_note IS NULL
  AND f.source_note IS NULL
-- wrapped: PostgreSQL's ORDER BY cannot use an output column's name inside an expression
) AS spread
ORDER BY max_over_min IS NULL, max_over_min DESC, vendor;
