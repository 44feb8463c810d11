// Drawing charts as SVG text.
//
// Layout works in the viewBox's user units. Text width is estimated from
// display cells (kCell of the font size per cell: a Latin letter takes about
// that, a Chinese character, two cells, a little less), which is close
// enough to size columns and wrap lines without measuring glyphs.
#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "render/render.h"
#include "report/markup.h"

namespace aigc {

namespace {

constexpr double kWidth = 480;  // viewBox width; the page scales it (a phone to about 0.75)
constexpr double kPad = 12;
constexpr double kCell = 0.56;  // width of one display cell, in font sizes
constexpr std::string_view kFonts =
    "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";
constexpr const char* kPalette[] = {"#2f6fb3", "#e8893b", "#3f9b6b", "#8a63c4", "#c9485b"};
constexpr std::string_view kInk = "#1d2430";
constexpr std::string_view kMuted = "#5b6573";
constexpr std::string_view kGrid = "#e1e5eb";

/// A coordinate: at most one decimal, no trailing ".0".
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

double text_width(std::string_view text, double font_size) {
  return static_cast<double>(display_width(text)) * kCell * font_size;
}

/// How many display cells fit in `width` at `font_size`.
std::size_t cells_in(double width, double font_size) {
  return static_cast<std::size_t>(std::max(2.0, std::floor(width / (kCell * font_size))));
}

struct Text {
  double x = 0, y = 0;
  double size = 13;
  std::string_view fill = kInk;
  std::string_view anchor = "start";
  bool bold = false;
  std::string_view transform = {};  // replaces x/y when set
  bool halo = false;                ///< a white outline, so grid lines behind the text do not cross it
};

void text(std::string& out, const Text& t, std::string_view content, std::string_view tooltip = {}) {
  out += "<text";
  if (t.transform.empty())
    out += " x=\"" + num(t.x) + "\" y=\"" + num(t.y) + "\"";
  else
    out += " transform=\"" + std::string(t.transform) + "\"";
  out += " font-size=\"" + num(t.size) + "\" fill=\"" + std::string(t.fill) + "\"";
  if (t.anchor != "start") out += " text-anchor=\"" + std::string(t.anchor) + "\"";
  if (t.bold) out += " font-weight=\"bold\"";
  if (t.halo) out += " stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"";
  out += '>';
  if (!tooltip.empty()) {
    out += "<title>";
    append_escaped(out, tooltip);
    out += "</title>";
  }
  append_escaped(out, content);
  out += "</text>\n";
}

void rect(std::string& out, double x, double y, double w, double h, std::string_view fill, double radius = 0) {
  out += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(h) + "\" fill=\"" +
         std::string(fill) + "\"";
  if (radius > 0) out += " rx=\"" + num(radius) + "\"";
  out += "/>\n";
}

void line(std::string& out, double x1, double y1, double x2, double y2, std::string_view stroke, double width = 1) {
  out += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) + "\" stroke=\"" +
         std::string(stroke) + "\" stroke-width=\"" + num(width) + "\"/>\n";
}

/// Writes `title` wrapped to the chart's width from `y` (the top); returns the y below it.
double title_block(std::string& out, std::string_view title, double y) {
  constexpr double size = 15;
  for (const auto& l : wrap_to_width(title, cells_in(kWidth - 2 * kPad, size))) {
    text(out, {.x = kPad, .y = y + size, .size = size, .bold = true}, l);
    y += size * 1.4;
  }
  return y;
}

/// Writes the small print `source` wrapped, from `y`; returns the y below it.
double source_block(std::string& out, std::string_view source, double y) {
  constexpr double size = 11;
  for (const auto& l : wrap_to_width(source, cells_in(kWidth - 2 * kPad, size))) {
    text(out, {.x = kPad, .y = y + size, .size = size, .fill = kMuted}, l);
    y += size * 1.4;
  }
  return y;
}

/// The <svg> element around `body`, `height` tall.
std::string svg_element(std::string_view id, std::string_view title, std::string_view desc, double height,
                        const std::string& body) {
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " + num(kWidth) + " " +
                    num(std::ceil(height)) + "\" role=\"img\" aria-labelledby=\"" + std::string(id) + "-title " +
                    std::string(id) + "-desc\" font-family=\"" + std::string(kFonts) + "\">\n";
  out += "<title id=\"" + std::string(id) + "-title\">";
  append_escaped(out, title);
  out += "</title>\n<desc id=\"" + std::string(id) + "-desc\">";
  append_escaped(out, desc);
  out += "</desc>\n";
  rect(out, 0, 0, kWidth, std::ceil(height), "#ffffff");
  out += body;
  out += "</svg>\n";
  return out;
}

}  // namespace

std::vector<double> nice_ticks(double max, int target) {
  if (!(max > 0) || !std::isfinite(max)) return {0, 1};
  target = std::max(target, 1);
  const double raw = max / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / magnitude;
  const double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
  const auto n = static_cast<int>(std::ceil(max / step - 1e-9));
  std::vector<double> ticks;
  for (int k = 0; k <= std::max(n, 1); ++k) ticks.push_back(k * step);
  return ticks;
}

std::string tick_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string bar_chart_svg(const BarChart& chart, std::string_view id) {
  constexpr double label_size = 14, value_size = 12.5, bar_h = 14, bar_gap = 3, group_gap = 12;
  std::string body;
  double y = title_block(body, chart.title, kPad);

  // Legend, when there is more than one series.
  if (chart.series.size() > 1) {
    double x = kPad;
    y += 4;
    for (std::size_t s = 0; s < chart.series.size(); ++s) {
      const double w = 14 + 6 + text_width(chart.series[s].name, 12) + 16;
      if (x + w > kWidth - kPad && x > kPad) {
        x = kPad;
        y += 18;
      }
      rect(body, x, y + 2, 12, 12, kPalette[s % std::size(kPalette)], 2);
      text(body, {.x = x + 17, .y = y + 12.5, .size = 12}, chart.series[s].name);
      x += w;
    }
    y += 20;
  }
  y += 6;

  // The value axis: room at the right for the longest value text (a
  // missing value's text stands at the left, where its bar would start).
  double max_value = 0, value_room = 0;
  for (const auto& s : chart.series)
    for (const auto& v : s.values)
      if (v) {
        max_value = std::max(max_value, v->value);
        value_room = std::max(value_room, text_width(v->text, value_size));
      }
  const std::vector<double> ticks = nice_ticks(max_value);
  const double x0 = kPad, x1 = kWidth - kPad - value_room - 6;
  const double scale = (x1 - x0) / ticks.back();

  const double plot_top = y;
  std::string bars;
  const std::size_t label_cells = cells_in(kWidth - 2 * kPad, label_size);
  for (std::size_t c = 0; c < chart.categories.size(); ++c) {
    const std::string& label = chart.categories[c];
    const std::string shown = cut_to_width(label, label_cells);
    text(bars, {.x = x0, .y = y + label_size, .size = label_size, .halo = true}, shown, shown == label ? "" : label);
    y += label_size + 6;
    for (std::size_t s = 0; s < chart.series.size(); ++s) {
      const auto& v = c < chart.series[s].values.size() ? chart.series[s].values[c] : std::nullopt;
      if (v) {
        const double w = std::max(v->value, 0.0) * scale;
        rect(bars, x0, y, std::max(w, v->value > 0 ? 1.5 : 0.0), bar_h, kPalette[s % std::size(kPalette)], 1.5);
        text(bars, {.x = x0 + w + 4, .y = y + bar_h - 3, .size = value_size, .halo = true}, v->text);
      } else {
        text(bars, {.x = x0 + 2, .y = y + bar_h - 3, .size = value_size, .fill = kMuted, .halo = true},
             chart.missing_text);
      }
      y += bar_h + bar_gap;
    }
    y += group_gap - bar_gap;
  }
  const double plot_bottom = y - group_gap + 6;

  // Grid lines behind the bars, tick values under them.
  for (double t : ticks) {
    const double x = x0 + t * scale;
    line(body, x, plot_top, x, plot_bottom, t == 0 ? std::string_view("#aab2bd") : kGrid);
    const std::string_view anchor = t == 0 ? "start" : "middle";
    text(body, {.x = x, .y = plot_bottom + 14, .size = 11, .fill = kMuted, .anchor = anchor}, tick_text(t));
  }
  body += bars;
  y = plot_bottom + 20;
  if (!chart.value_axis.empty()) {
    text(body, {.x = (x0 + x1) / 2, .y = y + 12, .size = 12, .fill = kMuted, .anchor = "middle"}, chart.value_axis);
    y += 20;
  }
  y = source_block(body, chart.source, y + 4);
  return svg_element(id, chart.title, chart.source, y + kPad, body);
}

std::string quadrant_chart_svg(const QuadrantChart& chart, std::string_view id) {
  constexpr double name_size = 14, item_size = 13, item_line = 19, cell_pad = 10, min_cell_h = 92;
  std::string body;
  double y = title_block(body, chart.title, kPad) + 8;

  const double gx = kPad + 14;  // left of the grid: room for the y axis's low and high
  const double cw = (kWidth - kPad - gx) / 2;
  const std::size_t item_cells = cells_in(cw - 2 * cell_pad, item_size);
  auto item_lines = [&](const QuadrantChart::Cell& cell) {
    std::string joined;
    for (std::size_t i = 0; i < cell.items.size(); ++i) joined += (i ? "、" : "") + cell.items[i];
    return cell.items.empty() ? std::vector<std::string>{chart.empty_text} : wrap_to_width(joined, item_cells);
  };

  // The y axis's title above the grid, the x axis's below it: both read
  // horizontally, however short the grid.
  text(body, {.x = gx, .y = y + 12, .size = 12, .bold = true}, "↑ " + chart.y_axis);
  y += 20;
  const double grid_top = y;
  static constexpr const char* kFill[2][2] = {{"#f1f3f6", "#e6eef8"}, {"#e6eef8", "#d3e3f5"}};
  for (int row = 1; row >= 0; --row) {  // the high half on top
    std::vector<std::string> lines[2] = {item_lines(chart.cells[row][0]), item_lines(chart.cells[row][1])};
    const std::vector<std::string> names[2] = {wrap_to_width(chart.cells[row][0].name, cells_in(cw - 20, name_size)),
                                               wrap_to_width(chart.cells[row][1].name, cells_in(cw - 20, name_size))};
    double h = min_cell_h;
    for (int col = 0; col < 2; ++col)
      h = std::max(h, 2 * cell_pad + static_cast<double>(names[col].size()) * (name_size + 6) + 4 +
                          static_cast<double>(lines[col].size()) * item_line);
    for (int col = 0; col < 2; ++col) {
      const double cx = gx + col * cw;
      rect(body, cx + 1, y + 1, cw - 2, h - 2, kFill[row][col], 3);
      double ty = y + cell_pad;
      for (const auto& n : names[col]) {
        text(body, {.x = cx + cell_pad, .y = ty + name_size, .size = name_size, .bold = true}, n);
        ty += name_size + 6;
      }
      ty += 4;
      const bool empty = chart.cells[row][col].items.empty();
      for (const auto& l : lines[col]) {
        text(body, {.x = cx + cell_pad, .y = ty + item_size, .size = item_size, .fill = empty ? kMuted : kInk}, l);
        ty += item_line;
      }
    }
    // y axis: high beside the top row, low beside the bottom one
    const std::string tr = "translate(" + num(gx - 8) + "," + num(y + h / 2) + ") rotate(-90)";
    text(body, {.size = 11, .fill = kMuted, .anchor = "middle", .transform = tr}, row ? chart.high : chart.low);
    y += h;
  }
  const double grid_bottom = y;
  // Axis titles with arrows pointing to "high".
  line(body, gx, grid_bottom + 1, kWidth - kPad, grid_bottom + 1, "#aab2bd");
  line(body, gx - 1, grid_top, gx - 1, grid_bottom, "#aab2bd");
  for (int col = 0; col < 2; ++col)
    text(body, {.x = gx + col * cw + cw / 2, .y = grid_bottom + 15, .size = 11, .fill = kMuted, .anchor = "middle"},
         col ? chart.high : chart.low);
  text(body, {.x = gx + cw, .y = grid_bottom + 33, .size = 12, .anchor = "middle", .bold = true}, chart.x_axis + " →");
  y = grid_bottom + 44;

  if (!chart.unplaced.empty()) {
    y += 6;
    text(body, {.x = kPad, .y = y + item_size, .size = item_size, .bold = true}, chart.unplaced_label);
    y += item_line + 2;
    std::string joined;
    for (std::size_t i = 0; i < chart.unplaced.size(); ++i) joined += (i ? "、" : "") + chart.unplaced[i];
    for (const auto& l : wrap_to_width(joined, cells_in(kWidth - 2 * kPad, item_size))) {
      text(body, {.x = kPad, .y = y + item_size, .size = item_size}, l);
      y += item_line;
    }
  }
  y = source_block(body, chart.source, y + 6);
  return svg_element(id, chart.title, chart.source, y + kPad, body);
}

}  // namespace aigc
