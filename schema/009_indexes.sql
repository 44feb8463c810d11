-- Indexes: one on every foreign key, and the ones the saved queries filter
-- and join on, so queries stay fast however many rows users load.
--
-- Foreign keys on section_id are partial (WHERE section_id IS NOT NULL):
-- users' rows leave section_id NULL, so the index holds only rows that
-- cite the report and a load of a million user rows adds nothing to it.
-- A lookup section_id = ? implies NOT NULL, so SQLite uses it all the same.
--
-- The *_report indexes are partial on source_note IS NULL, the rule for
-- a row of the report (see 001_provenance.sql): report-scope queries
-- filter on it, so they read the report's rows through these small
-- indexes and never scan the users' rows.
--
-- Keys already led by a primary or unique key need none: firm_industry
-- (firm_id, ...), product (firm_id, ...) via UNIQUE (firm_id, category, name).


-- Foreign keys.
CREATE INDEX algorithm_product_id ON algorithm(product_id);
CREATE INDEX algorithm_section_id ON algorithm(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX app_segment_section_id ON app_segment(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX benchmark_score_product_id ON benchmark_score(product_id);
CREATE INDEX benchmark_score_section_id ON benchmark_score(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX benchmark_score_task_id ON benchmark_score(task_id);
CREATE INDEX benchmark_task_section_id ON benchmark_task(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX business_model_section_id ON business_model(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX correction_section_id ON correction(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX deployment_cost_section_id ON deployment_cost(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX evaluation_dimension_section_id ON evaluation_dimension(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX evaluation_indicator_dimension_id ON evaluation_indicator(dimension_id);
CREATE INDEX evaluation_indicator_section_id ON evaluation_indicator(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX firm_parent_id ON firm(parent_id);
CREATE INDEX firm_section_id ON firm(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX firm_industry_industry_id ON firm_industry(industry_id);
CREATE INDEX firm_industry_section_id ON firm_industry(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX funding_section_id ON funding(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX industry_quadrant_id ON industry(quadrant_id);
CREATE INDEX industry_section_id ON industry(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX key_figure_section_id ON key_figure(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX known_gap_section_id ON known_gap(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX leader_entry_firm_id ON leader_entry(firm_id);
CREATE INDEX leader_entry_list_id ON leader_entry(list_id);
CREATE INDEX leader_entry_section_id ON leader_entry(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX leader_list_section_id ON leader_list(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX model_scale_section_id ON model_scale(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX outlook_item_section_id ON outlook_item(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX potential_quadrant_section_id ON potential_quadrant(section_id) WHERE section_id IS NOT NULL;
-- pricing's key to product carries direction, unit and as_of after it, so
-- the same index finds a product's latest price (user_vs_report).
CREATE INDEX pricing_product_id ON pricing(product_id, direction, unit, as_of);
CREATE INDEX pricing_section_id ON pricing(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX product_parent_id ON product(parent_id);
CREATE INDEX product_section_id ON product(section_id) WHERE section_id IS NOT NULL;

-- The report's rows of every table with provenance, in the order its
-- report queries read them: the report's (source_line) unless noted.
CREATE INDEX algorithm_report ON algorithm(source_line) WHERE source_note IS NULL;
CREATE INDEX app_segment_report ON app_segment(source_line) WHERE source_note IS NULL;
CREATE INDEX benchmark_score_report ON benchmark_score(source_line) WHERE source_note IS NULL;
CREATE INDEX benchmark_task_report ON benchmark_task(source_line) WHERE source_note IS NULL;
CREATE INDEX business_model_report ON business_model(ordinal) WHERE source_note IS NULL;
CREATE INDEX correction_report ON correction(source_line) WHERE source_note IS NULL;
CREATE INDEX deployment_cost_report ON deployment_cost(cost_kind, acquisition) WHERE source_note IS NULL;
CREATE INDEX evaluation_dimension_report ON evaluation_dimension(source_line) WHERE source_note IS NULL;
CREATE INDEX evaluation_indicator_report ON evaluation_indicator(source_line) WHERE source_note IS NULL;
CREATE INDEX firm_report ON firm(source_line) WHERE source_note IS NULL;
CREATE INDEX firm_industry_report ON firm_industry(source_line) WHERE source_note IS NULL;
CREATE INDEX funding_report ON funding(source_line) WHERE source_note IS NULL;
CREATE INDEX industry_report ON industry(source_line) WHERE source_note IS NULL;
CREATE INDEX key_figure_report ON key_figure(source_line) WHERE source_note IS NULL;
CREATE INDEX known_gap_report ON known_gap(source_line) WHERE source_note IS NULL;
CREATE INDEX leader_entry_report ON leader_entry(source_line) WHERE source_note IS NULL;
CREATE INDEX leader_list_report ON leader_list(list_id) WHERE source_note IS NULL;
CREATE INDEX model_scale_report ON model_scale(source_line) WHERE source_note IS NULL;
CREATE INDEX outlook_item_report ON outlook_item(source_line) WHERE source_note IS NULL;
CREATE INDEX potential_quadrant_report ON potential_quadrant(source_line) WHERE source_note IS NULL;
CREATE INDEX pricing_report ON pricing(source_line) WHERE source_note IS NULL;
CREATE INDEX product_report ON product(source_line) WHERE source_note IS NULL;

-- The report's rows where report queries join on a key other than the
-- primary one: prices by product, products by firm.
CREATE INDEX pricing_report_product ON pricing(product_id) WHERE source_note IS NULL;
CREATE INDEX product_report_firm ON product(firm_id, category, name) WHERE source_note IS NULL;
-- Firms by kind (firms_by_sector), in the seeds' order within a kind.
CREATE INDEX firm_report_kind ON firm(kind) WHERE source_note IS NULL;

-- The users' own firms and products (user_additions).
CREATE INDEX firm_user ON firm(firm_id) WHERE source_note IS NOT NULL;
CREATE INDEX product_user ON product(product_id) WHERE source_note IS NOT NULL;

-- The coverage ledger and the report's printed lists (007_coverage.sql,
-- 008_lists.sql): foreign keys, and the report's rows with every *_line
-- column the coverage query reads, so it reads them from the index alone.
CREATE INDEX report_text_section_id ON report_text(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX text_line_gap_id ON text_line(gap_id);
CREATE INDEX text_line_section_id ON text_line(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX paradigm_shift_section_id ON paradigm_shift(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX named_list_section_id ON named_list(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX list_item_section_id ON list_item(section_id) WHERE section_id IS NOT NULL;
CREATE INDEX report_text_report ON report_text(file) WHERE source_note IS NULL;
CREATE INDEX text_line_report ON text_line(first_line, last_line, reason) WHERE source_note IS NULL;
CREATE INDEX paradigm_shift_report ON paradigm_shift(source_line, aspect_line, after_line) WHERE source_note IS NULL;
CREATE INDEX named_list_report ON named_list(source_line, description_line) WHERE source_note IS NULL;
CREATE INDEX list_item_report ON list_item(source_line, detail_line) WHERE source_note IS NULL;
