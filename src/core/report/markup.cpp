#include "report/markup.h"

#include <utf8proc.h>

#include <algorithm>

#include "render/render.h"

namespace aigc {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026

/// One character of `text` at `p`: its bytes and display width. An invalid
/// byte is one character of width 1 (it shows as U+FFFD).
struct Char {
  std::string_view bytes;
  std::size_t width = 1;
  bool valid = true;
  bool space = false;
};

Char next_char(std::string_view text, std::size_t pos) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + pos;
  const auto* end = reinterpret_cast<const unsigned char*>(text.data()) + text.size();
  Char c;
  if (*p < 0x80) {
    c.bytes = text.substr(pos, 1);
    c.width = (*p >= 0x20 && *p < 0x7F) ? 1 : 0;
    c.space = *p == ' ' || *p == '\t' || *p == '\n';
    return c;
  }
  utf8proc_int32_t cp = 0;
  const utf8proc_ssize_t n = utf8proc_iterate(p, end - p, &cp);
  if (n <= 0) {
    c.bytes = text.substr(pos, 1);
    c.valid = false;
    return c;
  }
  c.bytes = text.substr(pos, static_cast<std::size_t>(n));
  c.width = static_cast<std::size_t>(std::max(0, utf8proc_charwidth(cp)));
  c.space = cp == 0x3000;  // ideographic space
  return c;
}

void append_char(std::string& out, const Char& c) {
  if (c.valid)
    out += c.bytes;
  else
    out += kReplacement;
}

}  // namespace

void append_escaped(std::string& out, std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        case '\t':
        case '\n': out += static_cast<char>(c); break;
        default:
          if (c < 0x20 || c == 0x7F) {
            // U+2400 + c (U+2421 for DEL): E2 90 80+c
            const unsigned v = c == 0x7F ? 0x21 : c;
            out += '\xE2';
            out += '\x90';
            out += static_cast<char>(0x80 + v);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++p;
      continue;
    }
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, end - p, &cp);
    if (n <= 0) {
      out += kReplacement;
      ++p;
    } else {
      if (cp < 0xA0)
        out += kReplacement;  // C1 controls
      else
        out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
      p += n;
    }
  }
}

std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_escaped(out, text);
  return out;
}

std::string cut_to_width(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return {};
  std::string out;
  std::size_t used = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const Char c = next_char(text, pos);
    if (used + c.width > width - 1) break;  // one cell for the ellipsis
    append_char(out, c);
    used += c.width;
    pos += c.bytes.size();
  }
  out += kEllipsis;
  return out;
}

std::vector<std::string> wrap_to_width(std::string_view text, std::size_t width) {
  width = std::max<std::size_t>(width, 2);
  // Units that stay together on a line: a run of narrow non-space
  // characters (a Latin word or number), or one wide character.
  struct Unit {
    std::string text;
    std::size_t width = 0;
    bool space_before = false;
    bool run = false;  ///< a run of narrow characters, which the next narrow one joins
  };
  std::vector<Unit> units;
  bool pending_space = false;
  for (std::size_t pos = 0; pos < text.size();) {
    const Char c = next_char(text, pos);
    pos += c.bytes.size();
    if (c.space) {
      pending_space = true;
      continue;
    }
    const bool narrow = c.width <= 1;
    if (narrow && !pending_space && !units.empty() && units.back().run) {
      append_char(units.back().text, c);
      units.back().width += c.width;
    } else {
      Unit u;
      append_char(u.text, c);
      u.width = c.width;
      u.space_before = pending_space;
      u.run = narrow;
      units.push_back(std::move(u));
    }
    pending_space = false;
  }

  std::vector<std::string> lines;
  std::string line;
  std::size_t used = 0;
  auto flush = [&] {
    if (!line.empty()) lines.push_back(std::move(line));
    line.clear();
    used = 0;
  };
  for (const auto& u : units) {
    const std::size_t gap = (u.space_before && used > 0) ? 1 : 0;
    if (used + gap + u.width <= width) {
      if (gap) line += ' ';
      line += u.text;
      used += gap + u.width;
      continue;
    }
    if (u.width <= width) {
      flush();
      line = u.text;
      used = u.width;
      continue;
    }
    // Longer than a line: break inside, filling the current line first.
    if (gap && used + 2 <= width) {
      line += ' ';
      ++used;
    }
    for (std::size_t pos = 0; pos < u.text.size();) {
      const Char c = next_char(u.text, pos);
      pos += c.bytes.size();
      if (used + c.width > width) flush();
      line += c.bytes;
      used += c.width;
    }
  }
  flush();
  return lines;
}

}  // namespace aigc
