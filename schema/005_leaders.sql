-- The AIGC scene-application leader list and how it was judged.

CREATE TABLE leader_list (
  list_id        TEXT PRIMARY KEY,
  title          TEXT NOT NULL,
  year           INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  declared_size  INTEGER NOT NULL CHECK (declared_size > 0),  -- as the title declares (TOP30)
  ordering       TEXT NOT NULL,        -- how the report orders it
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- A firm on the list, in the order the text gives (not a rank).
CREATE TABLE leader_entry (
  list_id      TEXT NOT NULL REFERENCES leader_list(list_id),
  firm_id      TEXT NOT NULL REFERENCES firm(firm_id),
  position     INTEGER NOT NULL CHECK (position > 0),
  logo_text    TEXT NOT NULL,          -- the logo's text as extracted
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  PRIMARY KEY (list_id, firm_id),
  UNIQUE (list_id, position),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- The five first-level evaluation indicators (一级指标).
CREATE TABLE evaluation_dimension (
  dimension_id TEXT PRIMARY KEY,
  name_zh      TEXT NOT NULL UNIQUE,
  ordinal      INTEGER NOT NULL UNIQUE CHECK (ordinal > 0),
  measures     TEXT NOT NULL,          -- what the report says it measures
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- The second-level indicators (二级指标) under each dimension.
CREATE TABLE evaluation_indicator (
  dimension_id TEXT NOT NULL REFERENCES evaluation_dimension(dimension_id),
  ordinal      INTEGER NOT NULL CHECK (ordinal > 0),
  name_zh      TEXT NOT NULL,
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  PRIMARY KEY (dimension_id, ordinal),
  UNIQUE (dimension_id, name_zh),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;
