-- title: AIGC产业融资概览
-- scope: report
-- description: Funding as the report's text states it: the one amount it prints (global generative-AI funding in H1 2023) and the yearly trends of the charts that were lost.
-- section: funding
SELECT region, scope, period, amount, currency, approximate, trend, data_source, source_quote, source_line
FROM funding
WHERE source_note IS NULL
ORDER BY region DESC, period;
