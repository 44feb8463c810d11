-- title: 用户最新价格与报告价格对比 · your latest price beside the report's
-- scope: analysis
-- description: For each price the report gives, the latest price users loaded for the same product, direction and unit (by as_of; the greatest pricing_id breaks a tie), both in one currency, with the change. Products the report prices but users do not are left out; products users added appear in user_additions.
-- description: fx_usd_cny is an assumption, not a fact from the report. change_min_pct compares the lower ends of the two ranges, change_max_pct the upper ends.
-- section: business_models, outlook_app_layer
-- param: fx_usd_cny real > 0 = 7.1 -- CNY per USD used for conversion (assumption; not from the report)
-- param: currency text in ('CNY', 'USD') = 'CNY' -- currency to express prices in: CNY or USD
WITH report AS MATERIALIZED (
  SELECT r.pricing_id, r.product_id, r.direction, r.unit, r.as_of, r.source_line,
         r.price_min * CASE WHEN r.currency = :currency THEN 1.0
                            WHEN r.currency = 'USD' AND :currency = 'CNY' THEN :fx_usd_cny
                            WHEN r.currency = 'CNY' AND :currency = 'USD' THEN 1.0 / :fx_usd_cny END AS lo,
         r.price_max * CASE WHEN r.currency = :currency THEN 1.0
                            WHEN r.currency = 'USD' AND :currency = 'CNY' THEN :fx_usd_cny
                            WHEN r.currency = 'CNY' AND :currency = 'USD' THEN 1.0 / :fx_usd_cny END AS hi,
         (SELECT u.pricing_id FROM pricing AS u
          WHERE u.product_id = r.product_id AND u.direction = r.direction AND u.unit = r.unit
            AND u.source_note IS NOT NULL AND u.price_min IS NOT NULL
          ORDER BY u.as_of DESC, u.pricing_id DESC LIMIT 1) AS latest_user_price
  FROM pricing AS r
  WHERE r.source_note IS NULL AND r.price_min IS NOT NULL
),
pair AS (
  SELECT report.*, u.as_of AS user_as_of, u.source_note AS user_source,
         u.price_min * CASE WHEN u.currency = :currency THEN 1.0
                            WHEN u.currency = 'USD' AND :currency = 'CNY' THEN :fx_usd_cny
                            WHEN u.currency = 'CNY' AND :currency = 'USD' THEN 1.0 / :fx_usd_cny END AS ulo,
         u.price_max * CASE WHEN u.currency = :currency THEN 1.0
                            WHEN u.currency = 'USD' AND :currency = 'CNY' THEN :fx_usd_cny
                            WHEN u.currency = 'CNY' AND :currency = 'USD' THEN 1.0 / :fx_usd_cny END AS uhi
  FROM report
  JOIN pricing AS u ON u.pricing_id = report.latest_user_price
)
SELECT pair.product_id,
       p.name AS product,
       pair.direction,
       pair.unit,
       :currency AS currency,
       pair.as_of AS report_as_of,
       round(CAST(pair.lo AS NUMERIC), 6) AS report_price_min,
       round(CAST(pair.hi AS NUMERIC), 6) AS report_price_max,
       pair.user_as_of,
       round(CAST(pair.ulo AS NUMERIC), 6) AS user_price_min,
       round(CAST(pair.uhi AS NUMERIC), 6) AS user_price_max,
       round(CAST(100.0 * (pair.ulo - pair.lo) / nullif(pair.lo, 0) AS NUMERIC), 1) AS change_min_pct,
       round(CAST(100.0 * (pair.uhi - pair.hi) / nullif(pair.hi, 0) AS NUMERIC), 1) AS change_max_pct,
       'report line ' || pair.source_line AS report_source,
       'user: ' || pair.user_source AS user_source
FROM pair
JOIN product AS p USING (product_id)
ORDER BY pair.product_id, pair.direction;
