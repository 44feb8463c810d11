-- Where facts come from. Every fact table carries the same three provenance
-- columns: section_id (the report page it stands on), source_line (its line in
-- the extracted text ../shared/seeds/000_2d2ee71bf9cf23a4.txt) and
-- source_quote (the verbatim text, where useful). Rows a user loads from
-- elsewhere name their origin in source_note instead; a CHECK in every table
-- demands one or the other, so no row is without provenance.

-- One page (or titled block) of the report.
CREATE TABLE report_section (
  section_id  TEXT PRIMARY KEY CHECK (section_id GLOB '[a-z0-9]*' AND section_id NOT GLOB '*[^a-z0-9_]*'),
  part        TEXT NOT NULL CHECK (part IN ('front', '01 技术视角', '02 产业视角', '03 典型企业案例', '04 领航者评选', 'back')),
  title       TEXT NOT NULL,           -- the page heading, verbatim
  subtitle    TEXT,                    -- the page's one-line claim, verbatim
  start_line  INTEGER NOT NULL UNIQUE CHECK (start_line > 0)
) STRICT;

-- What the extraction lost or the text leaves unknown: recorded, never filled in.
CREATE TABLE known_gap (
  gap_id       TEXT PRIMARY KEY,
  what         TEXT NOT NULL,          -- what is missing
  consequence  TEXT NOT NULL,          -- what this means for the warehouse
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- Evident OCR errors in the text, and the value stored instead.
CREATE TABLE correction (
  correction_id TEXT PRIMARY KEY,
  table_name    TEXT NOT NULL,
  row_key       TEXT NOT NULL,
  column_name   TEXT NOT NULL,
  verbatim      TEXT NOT NULL,         -- as the extracted text has it
  corrected     TEXT NOT NULL,         -- as stored
  reason        TEXT NOT NULL,
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  CHECK (verbatim <> corrected),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;
