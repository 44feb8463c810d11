-- PostgreSQL variant of queries/firms_by_products.sql (same columns, same rows):
-- string_agg(DISTINCT ... ORDER BY) for group_concat(DISTINCT), a boolean
-- counted as an integer, and every firm column grouped.
SELECT coalesce(f.name_zh, f.name_en) AS firm,
       f.name_en,
       count(p.product_id) AS products,
       sum((p.layer = 'model')::int) AS model_layer,
       sum((p.layer = 'application')::int) AS application_layer,
       string_agg(DISTINCT p.category, ',' ORDER BY p.category) AS categories
FROM firm AS f
JOIN product AS p ON p.firm_id = f.firm_id AND p.source_note IS NULL
WHERE f.source_note IS NULL
GROUP BY f.firm_id, f.name_zh, f.name_en
ORDER BY products DESC, firm;
