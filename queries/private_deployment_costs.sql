-- title: 私有大模型部署年成本
-- scope: report
-- description: Annual cost of a private large-model deployment (私有大模型部署模式): model cost and compute cost, rented or bought, in yuan.
-- description: The report prints no currency (currency_stated = 0); amounts are 约 (approximate).
-- section: outlook_app_layer
SELECT item,
       cost_kind,
       acquisition,
       amount_min,
       amount_max,
       currency,
       currency_stated,
       amount_text,
       source_line
FROM deployment_cost
WHERE source_note IS NULL
ORDER BY cost_kind DESC, acquisition DESC;
