-- title: 仓库中的假定值
-- scope: report
-- description: Every stored value the report's text does not state, row by row: the table, the row's key, the assumed value, and the known_gap row that declares the assumption (pricing.as_of is the publication month; in_application_map for industries the text does not name; funding data sources assigned by chart position).
-- section: outlook_app_layer, application_map, funding
SELECT 'pricing' AS table_name, p.pricing_id AS row_key, 'as_of' AS column_name, p.as_of AS assumed_value, p.assumption_gap AS gap_id, g.what, p.source_line
FROM pricing AS p JOIN known_gap AS g ON g.gap_id = p.assumption_gap
WHERE p.source_note IS NULL
UNION ALL
SELECT 'industry', i.industry_id, 'in_application_map', CAST(i.in_application_map AS TEXT), i.assumption_gap, g.what, i.source_line
FROM industry AS i JOIN known_gap AS g ON g.gap_id = i.assumption_gap
WHERE i.source_note IS NULL
UNION ALL
SELECT 'funding', f.funding_id, 'data_source', f.data_source, f.assumption_gap, g.what, f.source_line
FROM funding AS f JOIN known_gap AS g ON g.gap_id = f.assumption_gap
WHERE f.source_note IS NULL
ORDER BY 1, 7, 2;
