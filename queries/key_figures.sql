-- title: 报告中的关键数字
-- scope: report
-- description: Every number the report's prose states: user growth, web content share, running and training costs, funding, prices, training data and efficiency figures, the timeline of AI and the leader list's research rounds, each with its unit, bound and cited source.
-- section: iphone_moment, model_priorities, outlook_app_layer, funding
-- param: topic text in ('user growth', 'web content', 'running cost', 'training cost', 'funding', 'pricing', 'training data', 'efficiency', 'production', 'timeline', 'methodology', 'count') = NULL -- only figures of this topic; leave it out for every topic
SELECT figure_id, topic, subject, metric, value_min, value_max, unit, bound, approximate, period, data_source, value_text, source_line
FROM key_figure
WHERE source_note IS NULL AND (:topic IS NULL OR topic = :topic)
ORDER BY source_line, figure_id;
