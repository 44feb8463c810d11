-- The report's lists and small tables that are not prices, models or
-- firms: each item a row, as printed, citing its line. A second line an
-- item spans (its description, the other side of a comparison) is cited
-- in a column ending in _line, which the coverage ledger counts as cited.

-- "过去 → 现在" comparisons: the iPhone-moment page's two charts.
CREATE TABLE paradigm_shift (
  domain       TEXT NOT NULL CHECK (domain IN ('计算机变革', '人工智能变革')),
  position     INTEGER NOT NULL CHECK (position > 0),
  aspect       TEXT,                   -- the label printed between the two sides (可用性提升), where there is one
  aspect_line  INTEGER CHECK (aspect_line > 0),
  before       TEXT NOT NULL,          -- 过去, as printed
  after        TEXT NOT NULL,          -- 现在, as printed (without the arrow)
  after_line   INTEGER NOT NULL CHECK (after_line > 0),
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),   -- the line of `before`
  source_quote TEXT,
  source_note  TEXT,
  PRIMARY KEY (domain, position),
  CHECK ((aspect IS NULL) = (aspect_line IS NULL)),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- A list or small table the report prints, under its heading.
CREATE TABLE named_list (
  list_id      TEXT PRIMARY KEY CHECK (list_id GLOB '[a-z]*' AND list_id NOT GLOB '*[^a-z0-9_]*'),
  title        TEXT NOT NULL,          -- the heading as printed; where none is printed, what the list is (title_printed = 0)
  title_printed INTEGER NOT NULL CHECK (title_printed IN (0, 1)),
  kind         TEXT NOT NULL CHECK (kind IN ('list', 'table', 'chart labels', 'screenshot')),
  description  TEXT,                   -- what the report says of the list as a whole
  description_line INTEGER CHECK (description_line > 0),
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  CHECK (description_line IS NULL OR description IS NOT NULL),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- One item of a list, in printed order.
CREATE TABLE list_item (
  list_id      TEXT NOT NULL REFERENCES named_list(list_id),
  position     INTEGER NOT NULL CHECK (position > 0),
  group_label  TEXT,                   -- the column or group heading it stands under, as printed
  item         TEXT NOT NULL,          -- as printed, without bullets
  detail       TEXT,                   -- the description printed with it
  detail_line  INTEGER CHECK (detail_line > 0),  -- where the description stands, when not on the item's line
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  PRIMARY KEY (list_id, position),
  CHECK (detail_line IS NULL OR detail IS NOT NULL),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;
