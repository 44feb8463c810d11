-- title: 价格历史（报告与用户数据） · price history per product
-- scope: analysis
-- description: Every product's prices per observation date (as_of), from the report and from rows users loaded, in one currency: the lowest and highest price that date, how many observations, and whether it is the product's latest date. source says where the rows come from: the report's line, or the user's source_note.
-- description: fx_usd_cny is an assumption, not a fact from the report. Only prices in the given unit are compared (per thousand tokens by default), so a monthly subscription never stands beside a per-token price.
-- section: business_models, outlook_app_layer
-- param: fx_usd_cny real > 0 = 7.1 -- CNY per USD used for conversion (assumption; not from the report)
-- param: currency text in ('CNY', 'USD') = 'CNY' -- currency to express prices in: CNY or USD
-- param: unit text = '千tokens' -- what one price buys; only prices in this unit are listed
-- param: product text = NULL -- a product_id to list alone (e.g. qianfan); NULL lists every product
WITH obs AS (
  SELECT pr.product_id, pr.direction, pr.as_of, pr.source_line, pr.source_note,
         pr.price_min * CASE
           WHEN pr.currency = :currency THEN 1.0
           WHEN pr.currency = 'USD' AND :currency = 'CNY' THEN :fx_usd_cny
           WHEN pr.currency = 'CNY' AND :currency = 'USD' THEN 1.0 / :fx_usd_cny
         END AS lo,
         pr.price_max * CASE
           WHEN pr.currency = :currency THEN 1.0
           WHEN pr.currency = 'USD' AND :currency = 'CNY' THEN :fx_usd_cny
           WHEN pr.currency = 'CNY' AND :currency = 'USD' THEN 1.0 / :fx_usd_cny
         END AS hi
  FROM pricing AS pr
  WHERE pr.unit = :unit AND pr.price_min IS NOT NULL AND (:product IS NULL OR pr.product_id = :product)
),
by_date AS (
  SELECT product_id, direction, as_of,
         count(*) AS observations,
         round(CAST(min(lo) AS NUMERIC), 6) AS lowest,
         round(CAST(max(coalesce(hi, lo)) AS NUMERIC), 6) AS highest,
         count(*) - count(source_note) AS report_rows,
         count(source_note) AS user_rows,
         min(CASE WHEN source_note IS NULL THEN source_line END) AS report_line,
         min(source_note) AS a_note
  FROM obs
  GROUP BY product_id, direction, as_of
)
SELECT d.product_id,
       p.name AS product,
       d.direction,
       d.as_of,
       d.observations,
       d.lowest,
       d.highest,
       :currency AS currency,
       d.as_of = max(d.as_of) OVER (PARTITION BY d.product_id, d.direction) AS latest,
       trim(CASE WHEN d.report_rows > 0 THEN 'report line ' || d.report_line ELSE '' END ||
            CASE WHEN d.report_rows > 0 AND d.user_rows > 0 THEN '; ' ELSE '' END ||
            CASE WHEN d.user_rows = 1 THEN 'user: ' || d.a_note
                 WHEN d.user_rows > 1 THEN d.user_rows || ' user rows, e.g. ' || d.a_note
                 ELSE '' END) AS source
FROM by_date AS d
JOIN product AS p USING (product_id)
ORDER BY d.product_id, d.direction, d.as_of;
