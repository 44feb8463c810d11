-- Key figures stated in the report's prose, and its qualitative lists.

-- A number the report states: value_min..value_max (equal for a point value).
CREATE TABLE key_figure (
  figure_id    TEXT PRIMARY KEY,
  topic        TEXT NOT NULL CHECK (topic IN ('user growth', 'web content', 'running cost', 'training cost', 'funding', 'pricing', 'training data', 'efficiency', 'production', 'timeline', 'methodology', 'count')),
  subject      TEXT NOT NULL,          -- what the number is about
  metric       TEXT NOT NULL,          -- what is measured
  value_min    REAL NOT NULL,
  value_max    REAL NOT NULL,
  unit         TEXT NOT NULL,          -- 月, 年, %, 美元, 天, ...
  approximate  INTEGER NOT NULL DEFAULT 0 CHECK (approximate IN (0, 1)),
  bound        TEXT NOT NULL DEFAULT 'exact' CHECK (bound IN ('exact', 'at least', 'more than', 'from', 'before')),
  period       TEXT,                   -- when it holds, as stated
  data_source  TEXT,                   -- whom the report cites
  value_text   TEXT NOT NULL,          -- as printed
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  CHECK (value_min <= value_max),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- The application layer's two segments (消费级终端, 行业解决方案).
CREATE TABLE app_segment (
  segment_id   TEXT PRIMARY KEY,
  name_zh      TEXT NOT NULL UNIQUE,
  customers    TEXT NOT NULL,          -- 简介
  barriers     TEXT NOT NULL,          -- 竞争壁垒
  typical_firms TEXT NOT NULL,         -- 典型企业, verbatim
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- Risks (发展困境) and directions (未来展望) the report lists.
CREATE TABLE outlook_item (
  item_id      TEXT PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('risk', 'direction')),
  ordinal      INTEGER NOT NULL CHECK (ordinal > 0),
  title        TEXT NOT NULL,
  description  TEXT NOT NULL,
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  UNIQUE (kind, ordinal),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;
