-- title: 模型层及应用层进入壁垒对比
-- scope: report
-- description: The entry-barrier table: under 模型层, 高研发壁垒 (数据壁垒, 训练成本) and 高昂运行成本 (运行成本); under 应用层, the API-call and private-deployment modes, each with its description as printed. The deployment costs themselves are in private_deployment_costs.
-- section: outlook_app_layer
SELECT group_label AS layer_and_barrier, item, detail, source_line
FROM list_item
WHERE list_id = 'entry_barriers' AND source_note IS NULL
ORDER BY position;
