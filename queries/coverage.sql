-- title: 报告逐行覆盖（按页）
-- scope: report
-- description: How every non-blank line of the report's extracted text is accounted for, page by page: cited by a fact row (any source_line, start_line or other *_line column), or listed in text_line with its reason. unaccounted must be 0; not_yet_extracted lines hold facts no row holds yet (known gap coverage_backlog). A new fact table with a *_line column must be added to the cited list below (the coverage check of aigc check finds such tables by itself).
-- section: cover
WITH nonblank(line) AS (
  SELECT CAST(j.value AS INTEGER) FROM report_text AS r, json_each(r.nonblank_lines) AS j WHERE r.source_note IS NULL
), cited(line) AS (
  SELECT source_line FROM algorithm WHERE source_note IS NULL
  UNION SELECT source_line FROM app_segment WHERE source_note IS NULL
  UNION SELECT source_line FROM benchmark_score WHERE source_note IS NULL
  UNION SELECT source_line FROM benchmark_task WHERE source_note IS NULL
  UNION SELECT source_line FROM business_model WHERE source_note IS NULL
  UNION SELECT source_line FROM correction WHERE source_note IS NULL
  UNION SELECT source_line FROM deployment_cost WHERE source_note IS NULL
  UNION SELECT source_line FROM evaluation_dimension WHERE source_note IS NULL
  UNION SELECT source_line FROM evaluation_indicator WHERE source_note IS NULL
  UNION SELECT source_line FROM firm WHERE source_note IS NULL
  UNION SELECT source_line FROM firm_industry WHERE source_note IS NULL
  UNION SELECT source_line FROM funding WHERE source_note IS NULL
  UNION SELECT source_line FROM industry WHERE source_note IS NULL
  UNION SELECT source_line FROM key_figure WHERE source_note IS NULL
  UNION SELECT source_line FROM known_gap WHERE source_note IS NULL
  UNION SELECT source_line FROM leader_entry WHERE source_note IS NULL
  UNION SELECT source_line FROM leader_list WHERE source_note IS NULL
  UNION SELECT detail_line FROM list_item WHERE source_note IS NULL
  UNION SELECT source_line FROM list_item WHERE source_note IS NULL
  UNION SELECT source_line FROM model_scale WHERE source_note IS NULL
  UNION SELECT description_line FROM named_list WHERE source_note IS NULL
  UNION SELECT source_line FROM named_list WHERE source_note IS NULL
  UNION SELECT source_line FROM outlook_item WHERE source_note IS NULL
  UNION SELECT aspect_line FROM paradigm_shift WHERE source_note IS NULL
  UNION SELECT after_line FROM paradigm_shift WHERE source_note IS NULL
  UNION SELECT source_line FROM paradigm_shift WHERE source_note IS NULL
  UNION SELECT source_line FROM potential_quadrant WHERE source_note IS NULL
  UNION SELECT source_line FROM pricing WHERE source_note IS NULL
  UNION SELECT source_line FROM product WHERE source_note IS NULL
  UNION SELECT start_line FROM report_section
), page(line, section_id) AS (
  SELECT n.line, coalesce((SELECT s.section_id FROM report_section AS s WHERE s.start_line <= n.line ORDER BY s.start_line DESC LIMIT 1),
                          (SELECT s.section_id FROM report_section AS s ORDER BY s.start_line LIMIT 1))
  FROM nonblank AS n
), account(line, section_id, how) AS (
  SELECT p.line, p.section_id,
         CASE WHEN p.line IN (SELECT line FROM cited) THEN 'cited'
              ELSE coalesce((SELECT t.reason FROM text_line AS t WHERE t.source_note IS NULL AND p.line BETWEEN t.first_line AND t.last_line), 'unaccounted') END
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
