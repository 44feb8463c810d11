-- PostgreSQL variant of queries/coverage.sql (same columns, same rows): the JSON
-- array of lines read with json_array_elements_text, booleans summed as
-- integers, and every report_section column grouped.
WITH nonblank(line) AS (
  SELECT CAST(j.value AS INTEGER) FROM report_text AS r, json_array_elements_text(CAST(r.nonblank_lines AS json)) AS j(value) WHERE r.source_note IS NULL
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
       sum(CAST(a.how = 'cited' AS integer)) AS cited,
       sum(CAST(a.how NOT IN ('cited', 'unaccounted', 'not yet extracted') AS integer)) AS listed,
       sum(CAST(a.how = 'not yet extracted' AS integer)) AS not_yet_extracted,
       sum(CAST(a.how = 'unaccounted' AS integer)) AS unaccounted
FROM report_section AS s
LEFT JOIN account AS a USING (section_id)
GROUP BY s.section_id, s.title, s.start_line
ORDER BY s.start_line;
