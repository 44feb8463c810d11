-- title: 大模型API调用价格
-- scope: report
-- description: The report's API price table (API调用模式): GPT-4.0 input and output, 文心大模型 and 通义千问-Turbo, as printed.
-- description: The table prints no unit; unit_stated = 0 marks the unit taken from the vendor table (千tokens).
-- section: outlook_app_layer
SELECT p.name AS product,
       pr.direction,
       pr.price_min AS price,
       pr.currency,
       pr.unit,
       pr.unit_stated,
       pr.price_text,
       pr.source_line
FROM pricing AS pr
JOIN product AS p USING (product_id)
WHERE pr.section_id = 'outlook_app_layer' AND pr.source_note IS NULL AND p.source_note IS NULL
ORDER BY pr.source_line, pr.direction = 'output', p.name;
