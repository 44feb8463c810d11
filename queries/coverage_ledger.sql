-- title: 报告逐行覆盖：未被数据行引用的行
-- scope: report
-- description: The coverage ledger line by line: every range of the report's text that no fact row cites, with its reason from the closed set, the known_gap it points to (lost charts), the line whose rows hold it (restatements, held elsewhere), the numbers a person reviewed and judged to hold no fact, and a note. Pass reason to show one kind.
-- section: cover
-- param: reason text in ('page furniture', 'section subtitle', 'source credit', 'lost chart', 'column header', 'navigation', 'extraction note', 'legal notice', 'contact', 'restatement', 'held elsewhere', 'heading', 'not yet extracted') = NULL -- one reason (e.g. lost chart, held elsewhere, page furniture); NULL shows every range
SELECT t.first_line, t.last_line, t.reason, t.gap_id, t.see_line, t.reviewed_numbers, t.note, s.title AS section, t.source_quote
FROM text_line AS t
LEFT JOIN report_section AS s USING (section_id)
WHERE t.source_note IS NULL AND (:reason IS NULL OR t.reason = :reason)
ORDER BY t.first_line;
