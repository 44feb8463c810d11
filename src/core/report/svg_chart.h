#pragma once
/// Charts drawn as inline SVG: horizontal bar charts (one or more series per
/// category) and a 2×2 quadrant matrix. They know nothing of queries: the
/// report fills them from a result (core/report/report_charts.h).
///
/// The SVG has a viewBox and no fixed size, so it scales to its container;
/// every text is measured in display cells (a Chinese character counts 2) to
/// lay it out, and wrapped or cut with "…" where it would not fit (a cut
/// label keeps its full text in a tooltip).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aigc {

/// One bar: its length, and the text printed at its end.
struct BarValue {
  double value = 0;
  std::string text;  ///< e.g. the value as the data prints it: "0.012", "84.100"
};

struct BarSeries {
  std::string name;                             ///< legend entry
  std::vector<std::optional<BarValue>> values;  ///< one per category; none: no value (drawn as missing_text)
};

/// Horizontal bars: each category's label on a line of its own, its bars
/// below it, one per series, so long labels never squeeze the bars (and the
/// chart reads on a phone).
struct BarChart {
  std::string title;
  std::string source;      ///< small print under the chart, e.g. "query price_spread"
  std::string value_axis;  ///< what the numbers are, e.g. "CNY per 1,000 tokens"
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  std::string missing_text = "n/a";
};

/// The chart as an <svg> element. `id` makes the element ids unique in a
/// page (the title and description are referenced by aria-labelledby).
std::string bar_chart_svg(const BarChart& chart, std::string_view id);

/// A 2×2 matrix: two axes with a low and a high half each, and the items in
/// each quadrant; items without a quadrant are listed under the matrix.
struct QuadrantChart {
  struct Cell {
    std::string name;  ///< e.g. 热门发展市场
    std::vector<std::string> items;
  };
  std::string title;
  std::string source;
  std::string x_axis;  ///< left low, right high
  std::string y_axis;  ///< bottom low, top high
  std::string low = "low";
  std::string high = "high";
  /// cells[y][x] with 0 = low, 1 = high: cells[1][1] is top right.
  Cell cells[2][2];
  std::string unplaced_label;  ///< heading of the items without a quadrant
  std::vector<std::string> unplaced;
  std::string empty_text = "—";  ///< in a cell without items
};

std::string quadrant_chart_svg(const QuadrantChart& chart, std::string_view id);

/// Round tick values covering [0, max]: 0, step, 2·step, ... with a step of
/// 1, 2 or 5 times a power of ten, about `target` ticks, the last ≥ max.
std::vector<double> nice_ticks(double max, int target = 5);

/// A tick value as text: 0, 0.05, 2.5, 100 (no trailing zeros, no exponent
/// for the magnitudes a chart shows).
std::string tick_text(double v);

}  // namespace aigc
