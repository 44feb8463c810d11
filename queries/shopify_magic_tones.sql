-- title: Shopify Magic：自定义文本语调与特殊指令
-- scope: report
-- description: The two columns of Shopify Magic's text-generation options, as printed: six tones (自定义文本语调) and three special instructions (给予特殊指令), each under the column's description.
-- section: case_shopify_magic
SELECT l.title AS option_kind, l.description, i.position, i.item, i.source_line
FROM list_item AS i JOIN named_list AS l USING (list_id)
WHERE i.source_note IS NULL AND i.list_id IN ('shopify_text_tones', 'shopify_special_instructions')
ORDER BY i.list_id = 'shopify_special_instructions', i.position;
