-- Models: large vs small, 玉言's CLUE scores, 华为云EIHealth's algorithms.

-- 大模型 / 小模型 / 微模型 as the report contrasts them.
CREATE TABLE model_scale (
  scale_id     TEXT PRIMARY KEY CHECK (scale_id IN ('large', 'small', 'micro')),
  name_zh      TEXT NOT NULL UNIQUE,
  task_scope   TEXT,                   -- 面向通用任务 / 面向特定领域任务
  resources    TEXT,                   -- 大参数大算力大数据 ...
  emphasis     TEXT,                   -- 强调泛化能力 ...
  description  TEXT NOT NULL,
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- A task of a benchmark; is_total marks the overall score (总分).
CREATE TABLE benchmark_task (
  task_id      TEXT PRIMARY KEY,
  benchmark    TEXT NOT NULL,
  name_zh      TEXT,                   -- the Chinese task name the table gives
  ordinal      INTEGER NOT NULL CHECK (ordinal >= 0),
  is_total     INTEGER NOT NULL DEFAULT 0 CHECK (is_total IN (0, 1)),
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  UNIQUE (benchmark, ordinal),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- One subject's score on one task (玉言 or 人类).
CREATE TABLE benchmark_score (
  subject      TEXT NOT NULL,
  task_id      TEXT NOT NULL REFERENCES benchmark_task(task_id),
  score        REAL NOT NULL CHECK (score >= 0 AND score <= 100),
  score_text   TEXT NOT NULL,          -- as printed (84.100 keeps its zeros)
  product_id   TEXT REFERENCES product(product_id),  -- NULL for 人类
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  PRIMARY KEY (subject, task_id),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;

-- An algorithm or tool of a platform (华为云EIHealth's table and tool list).
CREATE TABLE algorithm (
  algorithm_id TEXT PRIMARY KEY,
  product_id   TEXT NOT NULL REFERENCES product(product_id),  -- the platform
  name         TEXT NOT NULL,
  positioning  TEXT,                   -- 定位
  function     TEXT,                   -- 功能
  scenarios    TEXT,                   -- 应用场景
  section_id   TEXT REFERENCES report_section(section_id),
  source_line  INTEGER CHECK (source_line > 0),
  source_quote TEXT,
  source_note  TEXT,
  UNIQUE (product_id, name),
  CHECK (section_id IS NOT NULL OR source_note IS NOT NULL)
) STRICT;
