-- Prices, costs, business models and funding.

-- A price of a product. A range (min..max) where the report gives one; both
-- NULL where it says only "prices vary". unit_stated is 0 where the report's
-- table omits the unit and the one recorded is the unit its other table
-- states for the same kind of price.
CREATE TABLE pricing (
  pricing_id    TEXT PRIMARY KEY,
  product_id    TEXT NOT NULL REFERENCES product(product_id),
  billing_basis TEXT NOT NULL CHECK (billing_basis IN ('tokens', 'resources', 'subscription', 'content', 'requests')),
  direction     TEXT NOT NULL DEFAULT 'any' CHECK (direction IN ('input', 'output', 'any')),
  unit          TEXT,                  -- what one price buys: '千tokens', '月'
  unit_stated   INTEGER NOT NULL DEFAULT 1 CHECK (unit_stated IN (0, 1)),
  price_min     REAL CHECK (price_min >= 0),
  price_max     REAL CHECK (price_max >= 0),
  currency      TEXT CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
  open_ended    INTEGER NOT NULL DEFAULT 0 CHECK (open_ended IN (0, 1)),  -- "起价": price_max unknown
  free_tier     TEXT,                  -- free-tier terms, verbatim: 限时免费, 限量免费
  revenue_model TEXT,                  -- 营收模式 as printed: 按输入输出tokens数量计费, ...
  as_of         TEXT NOT NULL CHECK (as_of GLOB '[12][0-9][0-9][0-9]-[01][0-9]' OR as_of GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  price_text    TEXT,                  -- the price as printed
  assumption_gap TEXT REFERENCES known_gap(gap_id),  -- set where a value is not stated by the text: the known_gap row declaring it
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  CHECK (price_min <= price_max),
  CHECK ((price_min IS NULL AND price_max IS NULL) OR currency IS NOT NULL),
  CHECK (price_min IS NULL OR unit IS NOT NULL),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- Annual cost of running a private large model (私有大模型部署模式).
CREATE TABLE deployment_cost (
  cost_id         TEXT PRIMARY KEY,
  item            TEXT NOT NULL,       -- 模型成本, 算力成本（租用）, ...
  cost_kind       TEXT NOT NULL CHECK (cost_kind IN ('model', 'compute')),
  acquisition     TEXT NOT NULL CHECK (acquisition IN ('n/a', 'rent', 'buy')),
  period          TEXT NOT NULL CHECK (period IN ('year')),
  amount_min      REAL NOT NULL CHECK (amount_min >= 0),
  amount_max      REAL NOT NULL CHECK (amount_max >= 0),
  currency        TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
  currency_stated INTEGER NOT NULL CHECK (currency_stated IN (0, 1)),
  approximate     INTEGER NOT NULL CHECK (approximate IN (0, 1)),
  amount_text     TEXT NOT NULL,       -- as printed: 约2.6亿
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  UNIQUE (cost_kind, acquisition),
  CHECK (amount_min <= amount_max),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- The report's AIGC business models (AIGC主要商业模式).
CREATE TABLE business_model (
  model_id     TEXT PRIMARY KEY,
  name_zh      TEXT NOT NULL UNIQUE,
  ordinal      INTEGER NOT NULL UNIQUE CHECK (ordinal > 0),
  description  TEXT NOT NULL,
  examples     TEXT,
  long_term_growth INTEGER NOT NULL CHECK (long_term_growth IN (0, 1)),  -- named "最具长期增长潜力"
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- Funding: an amount where the text gives one, otherwise the trend it states.
CREATE TABLE funding (
  funding_id   TEXT PRIMARY KEY,
  region       TEXT NOT NULL CHECK (region IN ('global', 'China')),
  scope        TEXT NOT NULL,          -- what was funded: 生成式AI, AIGC产业, AI产业
  period       TEXT NOT NULL CHECK (period GLOB '[12][0-9][0-9][0-9]' OR period GLOB '[12][0-9][0-9][0-9]H[12]'),
  amount       REAL CHECK (amount >= 0),
  currency     TEXT CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
  approximate  INTEGER NOT NULL DEFAULT 0 CHECK (approximate IN (0, 1)),
  trend        TEXT CHECK (trend IN ('peak', 'slight decline', 'low', 'rebound', 'strong rebound', 'expected hot')),
  data_source  TEXT,                   -- the report's cited source (CB insights, IT桔子)
  assumption_gap TEXT REFERENCES known_gap(gap_id),  -- set where a value is not stated by the text: the known_gap row declaring it
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  CHECK ((amount IS NULL) = (currency IS NULL)),
  CHECK (amount IS NOT NULL OR trend IS NOT NULL),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;
