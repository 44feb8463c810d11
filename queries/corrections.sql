-- title: OCR更正
-- description: Evident OCR errors in the extracted text and the values stored instead; the verbatim text stays in each row's source_quote.
-- section: business_models, case_netease_fuxi, leader_logos
SELECT correction_id, table_name, row_key, column_name, verbatim, corrected, reason, source_line
FROM correction
ORDER BY source_line, correction_id;
