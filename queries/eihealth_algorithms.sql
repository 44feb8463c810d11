-- title: 华为云EIHealth：算法与辅助制药工具
-- scope: report
-- description: 华为云EIHealth's genome-analysis algorithms (算法, 定位, 功能, 应用场景) and the 盘古辅助制药平台's tools, as the case study lists them.
-- section: case_huawei_eihealth
SELECT p.name AS platform, a.name AS algorithm, a.positioning, a.function, a.scenarios, a.source_line
FROM algorithm AS a
JOIN product AS p USING (product_id)
WHERE a.section_id = 'case_huawei_eihealth' AND a.source_note IS NULL AND p.source_note IS NULL
ORDER BY a.source_line, a.algorithm_id;
