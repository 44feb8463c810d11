-- title: OCR更正
-- scope: report
-- description: Evident OCR errors in the extracted text and the values stored instead; the verbatim text stays in each row's source_quote.
-- section: business_models, case_netease_fuxi, leader_logos
SELECT correction_id, table_name, row_key, column_name, verbatim, corrected, reason, source_line
FROM correction
WHERE source_note IS NULL
ORDER BY source_line, correction_id;
