-- title: 百纳千成：AI可实现流程与AI赋能IP玩法
-- scope: report
-- description: The media case study's two printed lists: the six processes AI can carry out in 《雄狮少年》's production, and the offline and online IP channels AI empowers.
-- section: case_bainaqiancheng, case_bainaqiancheng_ip
SELECT l.title AS list, i.group_label, i.position, i.item, i.source_line
FROM list_item AS i JOIN named_list AS l USING (list_id)
WHERE i.source_note IS NULL AND i.list_id IN ('bainaqiancheng_ai_processes', 'bainaqiancheng_ip_channels')
ORDER BY i.list_id = 'bainaqiancheng_ip_channels', i.position;
