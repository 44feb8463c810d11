-- title: 事实出处查询
-- scope: report
-- description: Where in the report a fact stands: every row of every fact table whose text mentions the search term, with its table, key, report section, line in the extracted text and verbatim quote. With no term, every fact.
-- section: cover
-- param: term text = NULL -- text to look for (e.g. 玉言, 0.012, 华为); leave it out to list every fact
WITH facts(table_name, row_key, label, section_id, source_line, source_quote) AS (
  SELECT 'firm', firm_id, coalesce(name_zh, '') || ' ' || coalesce(name_en, ''), section_id, source_line, source_quote FROM firm WHERE source_note IS NULL
  UNION ALL SELECT 'product', product_id, name || ' ' || coalesce(description, ''), section_id, source_line, source_quote FROM product WHERE source_note IS NULL
  UNION ALL SELECT 'pricing', pricing_id, product_id || ' ' || coalesce(price_text, ''), section_id, source_line, source_quote FROM pricing WHERE source_note IS NULL
  UNION ALL SELECT 'deployment_cost', cost_id, item || ' ' || amount_text, section_id, source_line, source_quote FROM deployment_cost WHERE source_note IS NULL
  UNION ALL SELECT 'business_model', model_id, name_zh || ' ' || description, section_id, source_line, source_quote FROM business_model WHERE source_note IS NULL
  UNION ALL SELECT 'funding', funding_id, region || ' ' || scope || ' ' || period, section_id, source_line, source_quote FROM funding WHERE source_note IS NULL
  UNION ALL SELECT 'industry', industry_id, name_zh || ' ' || coalesce(assessment, ''), section_id, source_line, source_quote FROM industry WHERE source_note IS NULL
  UNION ALL SELECT 'potential_quadrant', quadrant_id, name_zh, section_id, source_line, source_quote FROM potential_quadrant WHERE source_note IS NULL
  UNION ALL SELECT 'firm_industry', firm_id || '/' || industry_id, coalesce(note, ''), section_id, source_line, source_quote FROM firm_industry WHERE source_note IS NULL
  UNION ALL SELECT 'model_scale', scale_id, name_zh || ' ' || description, section_id, source_line, source_quote FROM model_scale WHERE source_note IS NULL
  UNION ALL SELECT 'benchmark_task', task_id, coalesce(name_zh, ''), section_id, source_line, source_quote FROM benchmark_task WHERE source_note IS NULL
  UNION ALL SELECT 'benchmark_score', subject || '/' || task_id, subject || ' ' || task_id || ' ' || score_text, section_id, source_line, source_quote FROM benchmark_score WHERE source_note IS NULL
  UNION ALL SELECT 'algorithm', algorithm_id, name || ' ' || coalesce(function, ''), section_id, source_line, source_quote FROM algorithm WHERE source_note IS NULL
  UNION ALL SELECT 'leader_list', list_id, title, section_id, source_line, source_quote FROM leader_list WHERE source_note IS NULL
  UNION ALL SELECT 'leader_entry', list_id || '/' || firm_id, logo_text, section_id, source_line, source_quote FROM leader_entry WHERE source_note IS NULL
  UNION ALL SELECT 'evaluation_dimension', dimension_id, name_zh || ' ' || measures, section_id, source_line, source_quote FROM evaluation_dimension WHERE source_note IS NULL
  UNION ALL SELECT 'evaluation_indicator', dimension_id || '/' || ordinal, name_zh, section_id, source_line, source_quote FROM evaluation_indicator WHERE source_note IS NULL
  UNION ALL SELECT 'key_figure', figure_id, subject || ' ' || metric || ' ' || value_text, section_id, source_line, source_quote FROM key_figure WHERE source_note IS NULL
  UNION ALL SELECT 'app_segment', segment_id, name_zh || ' ' || typical_firms, section_id, source_line, source_quote FROM app_segment WHERE source_note IS NULL
  UNION ALL SELECT 'outlook_item', item_id, title, section_id, source_line, source_quote FROM outlook_item WHERE source_note IS NULL
  UNION ALL SELECT 'known_gap', gap_id, what, section_id, source_line, source_quote FROM known_gap WHERE source_note IS NULL
  UNION ALL SELECT 'correction', correction_id, verbatim || ' -> ' || corrected, section_id, source_line, source_quote FROM correction WHERE source_note IS NULL
  UNION ALL SELECT 'paradigm_shift', domain || '/' || position, coalesce(aspect || ' ', '') || before || ' -> ' || after, section_id, source_line, source_quote FROM paradigm_shift WHERE source_note IS NULL
  UNION ALL SELECT 'named_list', list_id, title || coalesce(' ' || description, ''), section_id, source_line, source_quote FROM named_list WHERE source_note IS NULL
  UNION ALL SELECT 'list_item', list_id || '/' || position, coalesce(group_label || ' ', '') || item || coalesce(' ' || detail, ''), section_id, source_line, source_quote FROM list_item WHERE source_note IS NULL
)
SELECT f.table_name, f.row_key, f.label, s.part, s.title AS section, f.source_line, f.source_quote
FROM facts AS f
LEFT JOIN report_section AS s USING (section_id)
-- (replace(x, t, '') <> x: "x contains t" in SQL that SQLite and PostgreSQL both run; instr() is SQLite's only)
WHERE :term IS NULL OR :term = '' OR replace(f.label, :term, '') <> f.label
   OR replace(coalesce(f.source_quote, ''), :term, '') <> coalesce(f.source_quote, '') OR f.row_key = :term
ORDER BY f.source_line, f.table_name, f.row_key;
