-- title: 算力租用与购置的年成本对比
-- scope: report
-- description: Rent versus buy of compute for a private large model: the yearly compute cost each way, plus the model cost, and how much more buying costs than renting (low and high end of the 3-4亿 range).
-- section: outlook_app_layer
WITH rent AS (SELECT * FROM deployment_cost WHERE cost_kind = 'compute' AND acquisition = 'rent' AND source_note IS NULL),
     buy AS (SELECT * FROM deployment_cost WHERE cost_kind = 'compute' AND acquisition = 'buy' AND source_note IS NULL),
     model AS (SELECT * FROM deployment_cost WHERE cost_kind = 'model' AND source_note IS NULL)
SELECT rent.amount_text AS rent_per_year,
       buy.amount_text AS buy_per_year,
       model.amount_text AS model_cost_per_year,
       buy.amount_min - rent.amount_max AS buy_minus_rent_low,
       buy.amount_max - rent.amount_min AS buy_minus_rent_high,
       round(CAST(buy.amount_min / rent.amount_max AS NUMERIC), 3) AS buy_to_rent_ratio_low,
       round(CAST(buy.amount_max / rent.amount_min AS NUMERIC), 3) AS buy_to_rent_ratio_high,
       model.amount_min + rent.amount_min AS total_if_rented,
       model.amount_min + buy.amount_min AS total_if_bought_low,
       model.amount_max + buy.amount_max AS total_if_bought_high,
       rent.currency
FROM rent, buy, model;
