-- title: AIGC主要商业模式
-- scope: report
-- description: The report's four AIGC business models with their examples; long_term_growth marks the two the report names as having the most long-term growth potential (按量收费, SaaS订阅).
-- section: business_models
SELECT ordinal, name_zh AS business_model, description, examples, long_term_growth, source_line
FROM business_model
WHERE source_note IS NULL
ORDER BY ordinal;
