-- title: 2023年中国AIGC场景应用领航者TOP30榜单
-- scope: report
-- description: The leader list in the report's order (by initial, not a ranking), each firm with its names, beside the list's declared size and how many firms the text yields. The text names 28 of the declared 30; the missing two are not filled in.
-- section: leader_list, leader_logos
SELECT e.position,
       f.name_zh,
       f.name_en,
       e.logo_text,
       l.declared_size,
       (SELECT count(*) FROM leader_entry WHERE list_id = l.list_id AND source_note IS NULL) AS recovered,
       e.source_line
FROM leader_entry AS e
JOIN leader_list AS l USING (list_id)
JOIN firm AS f USING (firm_id)
WHERE e.source_note IS NULL AND l.source_note IS NULL AND f.source_note IS NULL
ORDER BY e.position;
