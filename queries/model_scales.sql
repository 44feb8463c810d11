-- title: 大模型与小模型
-- scope: report
-- description: Large versus small models (and the micro models of the model-layer page): the tasks they face, the resources they need and what they stress.
-- section: model_priorities, model_layer
SELECT name_zh AS model, task_scope, resources, emphasis, description, section_id, source_line
FROM model_scale
WHERE source_note IS NULL
ORDER BY CASE scale_id WHEN 'large' THEN 1 WHEN 'small' THEN 2 ELSE 3 END;
