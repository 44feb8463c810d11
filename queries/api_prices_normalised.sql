-- title: 按千tokens统一币种的大模型价格
-- scope: report
-- description: Every per-token price in the warehouse converted to one currency per thousand tokens, cheapest first.
-- description: fx_usd_cny is an assumption, not a fact from the report: the approximate CNY per USD rate of December 2023, the report's date. Override it with --param fx_usd_cny=...
-- section: outlook_app_layer, business_models
-- param: fx_usd_cny real > 0 = 7.1 -- CNY per USD used for conversion (assumption; not from the report)
-- param: currency text in ('CNY', 'USD') = 'CNY' -- currency to express prices in: CNY or USD
SELECT p.name AS product,
       coalesce(f.name_zh, f.name_en) AS vendor,
       pr.direction,
       pr.price_min AS price_min_original,
       pr.price_max AS price_max_original,
       pr.currency AS original_currency,
       :currency AS currency,
       round(CAST(pr.price_min * CASE
               WHEN pr.currency = :currency THEN 1.0
               WHEN pr.currency = 'USD' AND :currency = 'CNY' THEN :fx_usd_cny
               WHEN pr.currency = 'CNY' AND :currency = 'USD' THEN 1.0 / :fx_usd_cny
             END AS NUMERIC), 6) AS price_min_per_1k_tokens,
       round(CAST(pr.price_max * CASE
               WHEN pr.currency = :currency THEN 1.0
               WHEN pr.currency = 'USD' AND :currency = 'CNY' THEN :fx_usd_cny
               WHEN pr.currency = 'CNY' AND :currency = 'USD' THEN 1.0 / :fx_usd_cny
             END AS NUMERIC), 6) AS price_max_per_1k_tokens,
       pr.unit_stated,
       pr.source_line
FROM pricing AS pr
JOIN product AS p USING (product_id)
LEFT JOIN firm AS f ON f.firm_id = p.firm_id
WHERE pr.billing_basis = 'tokens' AND pr.unit = '千tokens' AND pr.price_min IS NOT NULL
  AND pr.source_note IS NULL AND p.source_note IS NULL
ORDER BY price_min_per_1k_tokens, product, pr.direction;
