-- title: Shopify Magic：文字生成工具
-- scope: report
-- description: The text-generation tools of Shopify Magic, the e-commerce case study, with what each writes; the tones and special instructions it accepts are in product.description.
-- section: case_shopify_magic
SELECT p.name AS platform, a.name AS tool, a.positioning, a.function, a.source_line
FROM algorithm AS a
JOIN product AS p USING (product_id)
WHERE a.section_id = 'case_shopify_magic' AND a.source_note IS NULL AND p.source_note IS NULL
ORDER BY a.source_line, a.algorithm_id;
