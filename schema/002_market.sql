-- Industries, the AIGC-potential matrix, firms and their products.

-- The four quadrants of "iResearch: 2023年各行业应用AIGC潜力矩阵".
CREATE TABLE potential_quadrant (
  quadrant_id          TEXT PRIMARY KEY CHECK (quadrant_id IN ('hot', 'rising', 'potential', 'exploring')),
  name_zh              TEXT NOT NULL UNIQUE CHECK (name_zh IN ('热门发展市场', '平缓上升市场', '潜力拓展市场', '初步探索市场')),
  transformability     TEXT NOT NULL CHECK (transformability IN ('high', 'low')),      -- AIGC在行业可变革程度
  commercial_potential TEXT NOT NULL CHECK (commercial_potential IN ('high', 'low')),  -- 行业商业化变现能力
  description          TEXT NOT NULL,
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  UNIQUE (transformability, commercial_potential),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- An industry the report discusses. quadrant_id is set only where the text
-- characterises the industry on both axes; quadrant_basis says how.
CREATE TABLE industry (
  industry_id    TEXT PRIMARY KEY,
  name_zh        TEXT NOT NULL UNIQUE,
  quadrant_id    TEXT REFERENCES potential_quadrant(quadrant_id),
  quadrant_basis TEXT CHECK (quadrant_basis IN ('stated', 'derived')),  -- derived: from the text's description of both axes
  assessment     TEXT,                 -- the report's one-line judgement
  applications   TEXT,                 -- where AIGC applies, per the report
  in_application_map INTEGER NOT NULL DEFAULT 1 CHECK (in_application_map IN (0, 1)),
  assumption_gap TEXT REFERENCES known_gap(gap_id),  -- set where a value is not stated by the text: the known_gap row declaring it
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  CHECK ((quadrant_id IS NULL) = (quadrant_basis IS NULL)),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- A firm (or organisation) the report names.
CREATE TABLE firm (
  firm_id      TEXT PRIMARY KEY,
  name_zh      TEXT,                   -- as the report writes it
  name_en      TEXT,                   -- where the report gives one
  kind         TEXT NOT NULL CHECK (kind IN ('company', 'research source', 'research institute')),
  parent_id    TEXT REFERENCES firm(firm_id),
  description  TEXT,
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  CHECK (name_zh IS NOT NULL OR name_en IS NOT NULL),
  CHECK (parent_id IS NULL OR parent_id <> firm_id),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- Which industry a firm is presented in (the case studies, the segment examples).
CREATE TABLE firm_industry (
  firm_id      TEXT NOT NULL REFERENCES firm(firm_id),
  industry_id  TEXT NOT NULL REFERENCES industry(industry_id),
  role         TEXT NOT NULL CHECK (role IN ('case study', 'example')),
  note         TEXT,
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  PRIMARY KEY (firm_id, industry_id, role),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- A product, platform, model or tool. layer: model layer (大模型产品) or
-- application layer (应用层产品), as in the report's vendor table.
CREATE TABLE product (
  product_id   TEXT PRIMARY KEY,
  firm_id      TEXT REFERENCES firm(firm_id),
  name         TEXT NOT NULL,          -- as the report writes it (OCR errors corrected, see correction)
  layer        TEXT NOT NULL CHECK (layer IN ('model', 'application')),
  category     TEXT NOT NULL,          -- 大模型, 文字识别, 人脸识别, 语音技术, 图像技术, 智能应用, ...
  parent_id    TEXT REFERENCES product(product_id),
  description  TEXT,
  launched     TEXT CHECK (launched IS NULL OR launched GLOB '[12][0-9][0-9][0-9]-[01][0-9]'),
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  UNIQUE (firm_id, category, name),
  CHECK (parent_id IS NULL OR parent_id <> product_id),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;
