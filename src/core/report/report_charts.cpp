#include "report/report_charts.h"

#include <algorithm>
#include <cctype>
#include <variant>

namespace aigc {

namespace {

/// One chart of the report: which query, what kind, which columns, and the
/// words around it. Add a row here to chart another query.
struct ChartRule {
  std::string_view query;
  std::string_view title;
  std::variant<BarSpec, QuadrantSpec> spec;
  std::string_view value_axis = {};    ///< bars: what the numbers are
  std::string_view unit_column = {};   ///< bars: its first value is appended to the axis: "… (CNY)"
  std::string_view value_suffix = {};  ///< bars: after each value: "×"
  std::string_view missing_text = "n/a";
};

const std::vector<ChartRule>& rules() {
  static const std::vector<ChartRule> kRules = {
      {.query = "api_prices_normalised",
       .title = "大模型API价格（统一币种） · API prices per 1,000 tokens in one currency",
       .spec = BarSpec{{"product", "direction"},
                       {{"price_min_per_1k_tokens", "最低 lowest"}, {"price_max_per_1k_tokens", "最高 highest"}},
                       {"any"}},
       .value_axis = "price per 1,000 tokens",
       .unit_column = "currency"},
      {.query = "yuyan_vs_humans",
       .title = "玉言与人类在CLUE1.1分类任务上的得分 · 玉言 vs humans per task",
       .spec = BarSpec{{"task_zh", "task"}, {{"yuyan", "玉言 Yuyan"}, {"human", "人类 human"}}},
       .value_axis = "score"},
      {.query = "industry_quadrants",
       .title = "各行业应用AIGC潜力矩阵 · industries on the AIGC potential matrix",
       .spec = QuadrantSpec{"quadrant", "transformability", "commercial_potential", "industry"}},
      {.query = "price_spread",
       .title = "各厂商大模型价格区间倍数 · price spread per vendor (highest ÷ lowest)",
       .spec = BarSpec{{"vendor", "product"}, {{"max_over_min", "最高价 ÷ 最低价 highest ÷ lowest"}}},
       .value_axis = "highest list price ÷ lowest",
       .value_suffix = "×",
       .missing_text = "no printed price 无公开价格"},
      // Users' prices beside the report's. A bar chart, not a line over
      // time: svg_chart draws bars only, and this pair is the comparison
      // users ask for (user_price_history lists the dates as a table).
      {.query = "user_vs_report",
       .title = "用户最新价格与报告价格 · your latest price beside the report's",
       .spec = BarSpec{{"product", "direction"},
                       {{"report_price_min", "报告最低 report lowest"},
                        {"user_price_min", "用户最新最低 your latest lowest"}},
                       {"any"}},
       .value_axis = "price per unit",
       .unit_column = "currency"},
  };
  return kRules;
}

const ChartRule* rule_for(std::string_view query) {
  for (const auto& r : rules())
    if (r.query == query) return &r;
  return nullptr;
}

/// high → 1, low → 0 (also 高/低, any case); none otherwise.
std::optional<int> half(const ResultCell& c) {
  if (c.type != SQLITE_TEXT) return std::nullopt;
  std::string t = c.text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (t == "high" || t == "高") return 1;
  if (t == "low" || t == "低") return 0;
  return std::nullopt;
}

}  // namespace

std::optional<BarChart> bar_chart_from(const QueryResult& result, const BarSpec& spec) {
  std::vector<std::size_t> label_cols, value_cols;
  for (auto name : spec.label_columns) {
    auto i = result.column(name);
    if (!i) return std::nullopt;
    label_cols.push_back(*i);
  }
  for (const auto& v : spec.values) {
    auto i = result.column(v.column);
    if (!i) return std::nullopt;
    value_cols.push_back(*i);
  }
  if (value_cols.empty()) return std::nullopt;

  BarChart chart;
  for (const auto& v : spec.values) chart.series.push_back(BarSeries{std::string(v.legend), {}});
  bool any_value = false;
  for (const auto& row : result.rows) {
    std::string label;
    for (auto i : label_cols) {
      if (row[i].is_null() || row[i].text.empty()) continue;
      if (std::find(spec.omit_labels.begin(), spec.omit_labels.end(), row[i].text) != spec.omit_labels.end()) continue;
      if (!label.empty()) label += " · ";
      label += row[i].text;
    }
    chart.categories.push_back(label);
    for (std::size_t s = 0; s < value_cols.size(); ++s) {
      const ResultCell& c = row[value_cols[s]];
      std::optional<BarValue> value;
      if (auto n = c.as_number()) {
        value = BarValue{*n, c.text};
        any_value = true;
      }
      chart.series[s].values.push_back(std::move(value));
    }
  }
  if (!any_value) return std::nullopt;
  return chart;
}

std::optional<QuadrantChart> quadrant_chart_from(const QueryResult& result, const QuadrantSpec& spec) {
  const auto name = result.column(spec.name_column), x = result.column(spec.x_column), y = result.column(spec.y_column),
             item = result.column(spec.item_column);
  if (!name || !x || !y || !item) return std::nullopt;
  QuadrantChart chart;
  bool any_placed = false;
  for (const auto& row : result.rows) {
    const auto hx = half(row[*x]), hy = half(row[*y]);
    const ResultCell& it = row[*item];
    if (hx && hy) {
      auto& cell = chart.cells[*hy][*hx];
      if (cell.name.empty() && !row[*name].is_null()) cell.name = row[*name].text;
      if (!it.is_null() && !it.text.empty()) cell.items.push_back(it.text);
      any_placed = true;
    } else if (!it.is_null() && !it.text.empty()) {
      chart.unplaced.push_back(it.text);
    }
  }
  if (!any_placed) return std::nullopt;
  return chart;
}

std::string chart_for_query(std::string_view query, const QueryResult& result, std::string_view id) {
  const ChartRule* rule = rule_for(query);
  if (!rule) return {};
  const std::string source = "Source: saved query " + std::string(query) + " (aigc run " + std::string(query) + "), " +
                             std::to_string(result.rows.size()) + (result.rows.size() == 1 ? " row" : " rows");
  if (const auto* bars = std::get_if<BarSpec>(&rule->spec)) {
    auto chart = bar_chart_from(result, *bars);
    if (!chart) return {};
    chart->title = rule->title;
    chart->source = source;
    chart->missing_text = rule->missing_text;
    chart->value_axis = rule->value_axis;
    if (auto unit = rule->unit_column.empty() ? std::nullopt : result.column(rule->unit_column))
      for (const auto& row : result.rows)
        if (!row[*unit].is_null()) {
          chart->value_axis += " (" + row[*unit].text + ")";
          break;
        }
    if (!rule->value_suffix.empty())
      for (auto& s : chart->series)
        for (auto& v : s.values)
          if (v) v->text += rule->value_suffix;
    return bar_chart_svg(*chart, id);
  }
  auto chart = quadrant_chart_from(result, std::get<QuadrantSpec>(rule->spec));
  if (!chart) return {};
  chart->title = rule->title;
  chart->source = source;
  chart->x_axis = "可变革程度 transformability";
  chart->y_axis = "商业化潜力 commercial potential";
  chart->low = "低 low";
  chart->high = "高 high";
  chart->unplaced_label = "未在矩阵中定位 · not placed by the text:";
  return quadrant_chart_svg(*chart, id);
}

std::vector<std::string_view> charted_queries() {
  std::vector<std::string_view> names;
  for (const auto& r : rules()) names.push_back(r.query);
  return names;
}

}  // namespace aigc
