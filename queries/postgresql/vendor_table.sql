-- PostgreSQL variant of queries/vendor_table.sql (same columns, same rows):
-- string_agg(... ORDER BY) for SQLite's group_concat over an ordered subquery.
WITH apps AS (
  SELECT firm_id, category, string_agg(name, '、' ORDER BY product_id) AS names
  FROM product
  WHERE layer = 'application' AND section_id = 'business_models' AND firm_id IS NOT NULL AND source_note IS NULL
  GROUP BY firm_id, category
)
SELECT f.name_zh AS vendor,
       m.name AS model_platform,
       pr.revenue_model,
       pr.price_min,
       pr.price_max,
       pr.currency,
       pr.unit,
       pr.price_text,
       (SELECT names FROM apps WHERE apps.firm_id = f.firm_id AND category = '文字识别') AS ocr,
       (SELECT names FROM apps WHERE apps.firm_id = f.firm_id AND category = '人脸识别') AS face,
       (SELECT names FROM apps WHERE apps.firm_id = f.firm_id AND category = '语音技术') AS speech,
       (SELECT names FROM apps WHERE apps.firm_id = f.firm_id AND category = '图像技术') AS image,
       (SELECT names FROM apps WHERE apps.firm_id = f.firm_id AND category = '智能应用') AS applications,
       m.source_line
FROM product AS m
JOIN firm AS f USING (firm_id)
JOIN pricing AS pr ON pr.product_id = m.product_id
WHERE m.layer = 'model' AND m.section_id = 'business_models' AND m.source_note IS NULL AND f.source_note IS NULL
  AND pr.source_note IS NULL
ORDER BY m.source_line;
