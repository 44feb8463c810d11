-- The coverage ledger: how every non-blank line of the report's text is
-- accounted for. A line is accounted for when a row of a fact table cites
-- it (source_line, or a section's start_line), or when a text_line range
-- lists it with a reason from the closed set below. `aigc check` (check
-- coverage) reports a non-blank line that is neither; tests/coverage_test.cpp
-- also reads the text itself and makes sure report_text says what it holds.

-- The extracted text itself, as far as the ledger needs it: its length and
-- which of its lines are not blank.
CREATE TABLE report_text (
  file          TEXT PRIMARY KEY,      -- the text's name under ../shared/seeds/
  line_count    INTEGER NOT NULL CHECK (line_count > 0),
  nonblank_lines TEXT NOT NULL -- a JSON array of line numbers, "[1,2,5]": checked with GLOB, not json_valid(),
                 -- which SQLite does not allow in a schema once TRUSTED_SCHEMA is off
                 CHECK (nonblank_lines GLOB '[[]*]' AND nonblank_lines NOT GLOB '*[^],0-9[]*'),
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- A range of lines no fact row cites, and why. Blank lines inside a range
-- belong to it; a range never holds a line a fact row cites.
--   page furniture     logo, © line, page number, part divider, English caption
--   section subtitle   a page's one-line claim, held in report_section.subtitle
--   source credit      a chart's "来源：" line (whom the page cites)
--   lost chart         title or remnant of a chart lost in the extraction (gap_id names the known_gap)
--   heading            a heading over rows that cite the lines below it, or a group label they carry
--   column header      a table's header row; its labels are the rows' columns
--   navigation         table of contents, agenda
--   extraction note    text the extraction tool wrote (screenshot descriptions)
--   legal notice       copyright statement and disclaimer
--   contact            the publisher's contact details
--   restatement        says again what line see_line says (a row cites that line)
--   held elsewhere     its content is held by the rows citing see_line (a table row split over lines,
--                      a description a row carries)
--   not yet extracted  holds facts no row holds yet (gap_id names the known_gap): a warning
CREATE TABLE text_line (
  first_line    INTEGER PRIMARY KEY CHECK (first_line > 0),
  last_line     INTEGER NOT NULL CHECK (last_line >= first_line),
  reason        TEXT NOT NULL CHECK (reason IN ('page furniture', 'section subtitle', 'source credit', 'lost chart',
                                                'column header', 'navigation', 'extraction note', 'legal notice',
                                                'contact', 'restatement', 'held elsewhere', 'heading',
                                                'not yet extracted')),
  gap_id        TEXT REFERENCES known_gap(gap_id),
  see_line      INTEGER CHECK (see_line > 0),
  reviewed_numbers TEXT,               -- numbers in the range judged to hold no fact, as printed, '; '-separated
  note          TEXT,
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  CHECK ((reason IN ('lost chart', 'not yet extracted')) = (gap_id IS NOT NULL)),
  CHECK ((reason IN ('restatement', 'held elsewhere')) = (see_line IS NOT NULL)),
  CHECK (source_line IS NULL OR source_line = first_line),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;
