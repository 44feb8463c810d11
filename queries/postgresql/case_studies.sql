-- PostgreSQL variant of queries/case_studies.sql (same columns, same rows):
-- string_agg(... ORDER BY) for SQLite's group_concat over an ordered subquery.
SELECT i.name_zh AS industry,
       coalesce(f.name_zh, f.name_en) AS firm,
       fi.note AS case_title,
       (SELECT string_agg(p.name, '、' ORDER BY p.source_line) FROM product AS p
         WHERE p.firm_id = f.firm_id AND p.section_id LIKE 'case_%' AND p.source_note IS NULL) AS products,
       fi.source_line
FROM firm_industry AS fi
JOIN firm AS f USING (firm_id)
JOIN industry AS i USING (industry_id)
WHERE fi.role = 'case study' AND fi.source_note IS NULL AND f.source_note IS NULL AND i.source_note IS NULL
ORDER BY fi.source_line;
