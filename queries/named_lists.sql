-- title: 报告中的列表
-- scope: report
-- description: Every list and small table the report prints, item by item, in printed order, with the heading it stands under (title_printed = 0 where the report prints no heading and the title says what the list is). Pass list to show one.
-- section: scope, iphone_moment, model_priorities, industry_chain, case_shopify_sidekick, leader_qualification
-- param: list text = NULL -- a list_id (e.g. metaverse_ideal, leader_qualification); NULL shows every list
SELECT l.list_id, l.title, l.title_printed, l.kind, i.position, i.group_label, i.item, i.detail, i.source_line
FROM named_list AS l
JOIN list_item AS i USING (list_id)
WHERE i.source_note IS NULL AND l.source_note IS NULL AND (:list IS NULL OR l.list_id = :list)
ORDER BY l.source_line, l.list_id, i.position;
