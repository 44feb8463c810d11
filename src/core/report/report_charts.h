#pragma once
/// Which saved query gets which chart in the HTML report, and building a
/// chart from a query's result. The choice is a small table (kChartRules in
/// report_charts.cpp); the charts are generic: bars from a column of labels
/// and one or more numeric columns, or a quadrant matrix from two high/low
/// columns.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "query/query_result.h"
#include "report/svg_chart.h"

namespace aigc {

/// Bars: one category per row, labelled by `label_columns` joined with " · "
/// (NULL, empty and `omit_labels` parts left out); one series per value column, each
/// value a number or text that reads as one (a score printed as text). A row
/// whose value is NULL keeps its place and shows as missing. Throws nothing:
/// returns none when a column is missing or no value is a number.
struct BarSpec {
  std::vector<std::string_view> label_columns;
  struct Value {
    std::string_view column;
    std::string_view legend;
  };
  std::vector<Value> values;
  std::vector<std::string_view> omit_labels = {};  ///< label parts that say nothing, e.g. "any"
};
std::optional<BarChart> bar_chart_from(const QueryResult& result, const BarSpec& spec);

/// Quadrant matrix: one item per row from `item_column`, placed by the
/// high/low values of `x_column` and `y_column` (also 高/低), the quadrant's
/// name from `name_column`. Rows with neither axis value are listed as
/// unplaced; a quadrant without items still shows. None when a column is
/// missing or no row has both axis values.
struct QuadrantSpec {
  std::string_view name_column;
  std::string_view x_column;
  std::string_view y_column;
  std::string_view item_column;
};
std::optional<QuadrantChart> quadrant_chart_from(const QueryResult& result, const QuadrantSpec& spec);

/// The chart for saved query `query` as an <svg> element, titled and
/// sourced, or "" when the report draws no chart for it (or the result does
/// not suit its chart, e.g. a query of the same name from --queries with
/// other columns). `id` must be unique in the page.
std::string chart_for_query(std::string_view query, const QueryResult& result, std::string_view id);

/// The names of the queries that get a chart.
std::vector<std::string_view> charted_queries();

}  // namespace aigc
