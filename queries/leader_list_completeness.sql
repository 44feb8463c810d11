-- title: 领航者榜单完整性
-- scope: report
-- description: The leader list's declared size against the firms recovered from the text, and the gap that remains unknown.
-- section: leader_list
SELECT l.title,
       l.declared_size,
       count(e.firm_id) AS recovered,
       l.declared_size - count(e.firm_id) AS missing,
       l.ordering
FROM leader_list AS l
LEFT JOIN leader_entry AS e ON e.list_id = l.list_id AND e.source_note IS NULL
WHERE l.source_note IS NULL
GROUP BY l.list_id;
