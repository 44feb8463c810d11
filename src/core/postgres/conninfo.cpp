#include "postgres/conninfo.h"

#include <algorithm>
#include <cctype>

namespace aigc {

namespace {

constexpr std::string_view kHidden = "***";

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool is_word_char(char c) noexcept { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

bool starts_with_nocase(std::string_view text, std::size_t at, std::string_view word) {
  if (text.size() - at < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[at + i])) != word[i]) return false;
  return true;
}

/// Where a URL starting at `at` ends: at whitespace, a quote, or the end.
std::size_t url_end(std::string_view text, std::size_t at) {
  while (at < text.size() && !is_space(text[at]) && text[at] != '"' && text[at] != '\'') ++at;
  return at;
}

/// Replaces the password of every postgres:// or postgresql:// URL's user
/// part. libpq ends the user part at the first '@'; a password holding a raw
/// '@' or '/' is still hidden because the user part is taken up to the last
/// '@' of the URL (hiding more than libpq would read, never less).
std::string redact_urls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t scheme = text.find("://", i);
    if (scheme == std::string_view::npos) break;
    const std::size_t start = scheme + 3;
    const std::size_t end = url_end(text, start);
    const std::string_view url = text.substr(start, end - start);
    const std::size_t at = url.rfind('@');
    out.append(text.substr(i, start - i));
    if (at != std::string_view::npos) {
      const std::string_view user_part = url.substr(0, at);
      const std::size_t colon = user_part.find(':');
      if (colon != std::string_view::npos) {
        out.append(user_part.substr(0, colon + 1));
        out.append(kHidden);
        out.append(url.substr(at));
      } else {
        out.append(url);
      }
    } else {
      out.append(url);
    }
    i = end;
  }
  out.append(text.substr(i));
  return out;
}

/// One `password = value` found in text: where the value starts and ends,
/// and the value itself (unquoted).
struct PasswordValue {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string value;
};

/// The next `password=value` at or after `from` (keyword string or URL
/// query parameter). A quoted value ends at its unescaped closing quote; an
/// unquoted one at whitespace, and also at '&' or '#' in a URL's query.
bool find_password(std::string_view text, std::size_t from, PasswordValue& found) {
  constexpr std::string_view kKeyword = "password";
  for (std::size_t at = from; at + kKeyword.size() <= text.size(); ++at) {
    if (!starts_with_nocase(text, at, kKeyword)) continue;
    if (at > 0 && (is_word_char(text[at - 1]) || text[at - 1] == '%')) continue;
    std::size_t p = at + kKeyword.size();
    while (p < text.size() && is_space(text[p])) ++p;
    if (p >= text.size() || text[p] != '=') continue;
    ++p;
    while (p < text.size() && is_space(text[p])) ++p;
    const bool in_url_query = at > 0 && (text[at - 1] == '?' || text[at - 1] == '&');
    found = PasswordValue{p, p, {}};
    if (p < text.size() && text[p] == '\'') {
      std::size_t q = p + 1;
      while (q < text.size() && text[q] != '\'') {
        if (text[q] == '\\' && q + 1 < text.size()) ++q;
        found.value.push_back(text[q]);
        ++q;
      }
      found.end = q < text.size() ? q + 1 : q;
    } else {
      std::size_t q = p;
      while (q < text.size() && !is_space(text[q]) && !(in_url_query && (text[q] == '&' || text[q] == '#'))) {
        if (!in_url_query && text[q] == '\\' && q + 1 < text.size()) ++q;
        found.value.push_back(text[q]);
        ++q;
      }
      found.end = q;
    }
    return true;
  }
  return false;
}

std::string redact_keywords(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  PasswordValue found;
  while (find_password(text, i, found)) {
    out.append(text.substr(i, found.begin - i));
    out.append(kHidden);
    i = found.end;
  }
  out.append(text.substr(i));
  return out;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

void replace_all(std::string& text, std::string_view needle) {
  if (needle.empty()) return;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + kHidden.size()))
    text.replace(at, needle.size(), kHidden);
}

}  // namespace

std::string redact_conninfo(std::string_view text) { return redact_keywords(redact_urls(text)); }

std::vector<std::string> conninfo_passwords(std::string_view conninfo) {
  std::vector<std::string> passwords;
  auto add = [&](std::string value) {
    if (value.empty() || value == kHidden) return;
    std::string decoded = percent_decoded(value);
    if (decoded != value) passwords.push_back(std::move(decoded));
    passwords.push_back(std::move(value));
  };
  // URL user parts.
  for (std::size_t i = conninfo.find("://"); i != std::string_view::npos; i = conninfo.find("://", i + 3)) {
    const std::size_t start = i + 3;
    const std::string_view url = conninfo.substr(start, url_end(conninfo, start) - start);
    const std::size_t at = url.rfind('@');
    if (at == std::string_view::npos) continue;
    const std::string_view user_part = url.substr(0, at);
    const std::size_t colon = user_part.find(':');
    if (colon != std::string_view::npos) add(std::string(user_part.substr(colon + 1)));
  }
  PasswordValue found;
  for (std::size_t i = 0; find_password(conninfo, i, found); i = std::max(found.end, i + 1)) add(found.value);
  // Longest first, so a password that contains another is hidden whole.
  std::sort(passwords.begin(), passwords.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return passwords;
}

std::string redact_message(std::string_view message, std::string_view conninfo) {
  std::string out(message);
  for (const std::string& password : conninfo_passwords(conninfo)) replace_all(out, password);
  return redact_conninfo(out);
}

}  // namespace aigc
