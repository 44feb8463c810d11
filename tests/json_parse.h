#pragma once
// A strict RFC 8259 JSON parser for tests: proves output is valid JSON and
// reads it back. Throws std::runtime_error on anything a conforming parser
// would reject (trailing commas, bare control characters, bad escapes, lone
// surrogates, leading zeros, trailing garbage).
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace test {

struct Json {
  enum class Type { null, boolean, number, string, array, object } type = Type::null;
  bool b = false;
  std::string text;  ///< a number's literal text, or a string's decoded value
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;  ///< in document order

  bool is_null() const { return type == Type::null; }
  /// Member `key` of an object; throws if absent.
  const Json& operator[](std::string_view key) const {
    for (const auto& [k, v] : members)
      if (k == key) return v;
    throw std::runtime_error("no member " + std::string(key));
  }
  const Json& operator[](std::size_t i) const { return items.at(i); }
  double number() const { return std::stod(text); }
};

class JsonParser {
 public:
  static Json parse(std::string_view s) {
    JsonParser p(s);
    p.space();
    Json v = p.value();
    p.space();
    if (p.pos_ != s.size()) p.fail("trailing characters");
    return v;
  }

 private:
  explicit JsonParser(std::string_view s) : s_(s) {}
  std::string_view s_;
  std::size_t pos_ = 0;

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("invalid JSON at byte " + std::to_string(pos_) + ": " + what);
  }
  bool eof() const { return pos_ >= s_.size(); }
  char peek() const { return eof() ? '\0' : s_[pos_]; }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  void space() {
    while (!eof() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  void literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) fail("bad literal");
    pos_ += word.size();
  }

  Json value() {
    Json v;
    switch (peek()) {
      case '{': {
        v.type = Json::Type::object;
        ++pos_;
        space();
        if (peek() == '}') {
          ++pos_;
          return v;
        }
        for (;;) {
          space();
          if (peek() != '"') fail("expected a key");
          std::string key = string();
          space();
          expect(':');
          space();
          v.members.emplace_back(std::move(key), value());
          space();
          if (peek() == ',') {
            ++pos_;
            continue;
          }
          expect('}');
          return v;
        }
      }
      case '[': {
        v.type = Json::Type::array;
        ++pos_;
        space();
        if (peek() == ']') {
          ++pos_;
          return v;
        }
        for (;;) {
          space();
          v.items.push_back(value());
          space();
          if (peek() == ',') {
            ++pos_;
            continue;
          }
          expect(']');
          return v;
        }
      }
      case '"':
        v.type = Json::Type::string;
        v.text = string();
        return v;
      case 't':
        literal("true");
        v.type = Json::Type::boolean;
        v.b = true;
        return v;
      case 'f':
        literal("false");
        v.type = Json::Type::boolean;
        return v;
      case 'n': literal("null"); return v;
      default:
        v.type = Json::Type::number;
        v.text = number();
        return v;
    }
  }

  std::string number() {
    const std::size_t start = pos_;
    auto digit = [&] { return !eof() && s_[pos_] >= '0' && s_[pos_] <= '9'; };
    if (peek() == '-') ++pos_;
    if (!digit()) fail("expected a value");
    if (s_[pos_] == '0') {
      ++pos_;
      if (digit()) fail("leading zero");
    } else {
      while (digit()) ++pos_;
    }
    if (peek() == '.') {
      ++pos_;
      if (!digit()) fail("digit expected after '.'");
      while (digit()) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!digit()) fail("digit expected in exponent");
      while (digit()) ++pos_;
    }
    return std::string(s_.substr(start, pos_ - start));
  }

  unsigned hex4() {
    if (pos_ + 4 > s_.size()) fail("short \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<unsigned>(c - 'A' + 10);
      else
        fail("bad hex digit");
    }
    return v;
  }

  static void utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string string() {
    expect('"');
    std::string out;
    for (;;) {
      if (eof()) fail("unterminated string");
      const auto c = static_cast<unsigned char>(s_[pos_++]);
      if (c == '"') return out;
      if (c < 0x20) fail("unescaped control character");
      if (c != '\\') {
        out += static_cast<char>(c);
        continue;
      }
      if (eof()) fail("unterminated escape");
      switch (s_[pos_++]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (s_.substr(pos_, 2) != "\\u") fail("lone high surrogate");
            pos_ += 2;
            std::uint32_t lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) fail("bad low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail("lone low surrogate");
          }
          utf8(out, cp);
          break;
        }
        default: fail("bad escape");
      }
    }
  }
};

}  // namespace test
