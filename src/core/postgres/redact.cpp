#include "postgres/redact.h"

#include <cctype>

namespace aigc {

std::string redact_conninfo(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  auto lower_at = [&](std::size_t at, std::string_view word) {
    if (at + word.size() > text.size()) return false;
    for (std::size_t k = 0; k < word.size(); ++k)
      if (std::tolower(static_cast<unsigned char>(text[at + k])) != word[k]) return false;
    return true;
  };
  while (i < text.size()) {
    // URL: scheme://user:password@host -> the password between ':' and the last '@' before the host ends.
    if (lower_at(i, "://")) {
      out += "://";
      i += 3;
      const std::size_t end = text.find_first_of("/?# \t\n", i);
      const std::string_view authority = text.substr(i, end == std::string_view::npos ? end : end - i);
      const std::size_t at = authority.rfind('@');
      if (at != std::string_view::npos) {
        const std::size_t colon = authority.substr(0, at).find(':');
        if (colon != std::string_view::npos) {
          out += authority.substr(0, colon + 1);
          out += "***";
          out += authority.substr(at);
          i += authority.size();
          continue;
        }
      }
      continue;
    }
    // password=... as a keyword (password = 'a b') or a URL parameter (?password=x&).
    if (lower_at(i, "password") && (i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1])))) {
      std::size_t j = i + 8;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
      if (j < text.size() && text[j] == '=') {
        ++j;
        while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
        out += "password=***";
        if (j < text.size() && text[j] == '\'') {
          ++j;
          while (j < text.size() && text[j] != '\'') j += text[j] == '\\' ? 2 : 1;
          ++j;
        } else {
          while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) && text[j] != '&') ++j;
        }
        i = std::min(j, text.size());
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace aigc
