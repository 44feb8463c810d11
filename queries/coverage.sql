-- title: 报告逐行覆盖（按页）
-- description: How every non-blank line of the report's extracted text is accounted for, page by page: cited by a fact row (any source_line, start_line or other *_line column), or listed in text_line with its reason. unaccounted must be 0; not_yet_extracted lines hold facts no row holds yet (known gap coverage_backlog). A new fact table with a *_line column must be added to the cited list below (the coverage check of aigc check finds such tables by itself).
-- section: cover
WITH nonblank(line) AS (
  SELECT CAST(j.value AS INTEGER) FROM report_text AS r, json_each(r.nonblank_lines) AS j
), cited(line) AS (
  SELECT source_line FROM algorithm
  UNION SELECT source_line FROM app_segment
  UNION SELECT source_line FROM benchmark_score
  UNION SELECT source_line FROM benchmark_task
  UNION SELECT source_line FROM business_model
  UNION SELECT source_line FROM correction
  UNION SELECT source_line FROM deployment_cost
  UNION SELECT source_line FROM evaluation_dimension
  UNION SELECT source_line FROM evaluation_indicator
  UNION SELECT source_line FROM firm
  UNION SELECT source_line FROM firm_industry
  UNION SELECT source_line FROM funding
  UNION SELECT source_line FROM industry
  UNION SELECT source_line FROM key_figure
  UNION SELECT source_line FROM known_gap
  UNION SELECT source_line FROM leader_entry
  UNION SELECT source_line FROM leader_list
  UNION SELECT detail_line FROM list_item
  UNION SELECT source_line FROM list_item
  UNION SELECT source_line FROM model_scale
  UNION SELECT description_line FROM named_list
  UNION SELECT source_line FROM named_list
  UNION SELECT source_line FROM outlook_item
  UNION SELECT aspect_line FROM paradigm_shift
  UNION SELECT after_line FROM paradigm_shift
  UNION SELECT source_line FROM paradigm_shift
  UNION SELECT source_line FROM potential_quadrant
  UNION SELECT source_line FROM pricing
  UNION SELECT source_line FROM product
  UNION SELECT start_line FROM report_section
), page(line, section_id) AS (
  SELECT n.line, coalesce((SELECT s.section_id FROM report_section AS s WHERE s.start_line <= n.line ORDER BY s.start_line DESC LIMIT 1),
                          (SELECT s.section_id FROM report_section AS s ORDER BY s.start_line LIMIT 1))
  FROM nonblank AS n
), account(line, section_id, how) AS (
  SELECT p.line, p.section_id,
         CASE WHEN p.line IN (SELECT line FROM cited) THEN 'cited'
              ELSE coalesce((SELECT t.reason FROM text_line AS t WHERE p.line BETWEEN t.first_line AND t.last_line), 'unaccounted') END
  FROM page AS p
)
SELECT s.section_id, s.title, s.start_line,
       count(a.line) AS lines,
       sum(a.how = 'cited') AS cited,
       sum(a.how NOT IN ('cited', 'unaccounted', 'not yet extracted')) AS listed,
       sum(a.how = 'not yet extracted') AS not_yet_extracted,
       sum(a.how = 'unaccounted') AS unaccounted
FROM report_section AS s
LEFT JOIN account AS a USING (section_id)
GROUP BY s.section_id
ORDER BY s.start_line;
