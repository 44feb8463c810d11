#pragma once
/// PostgreSQL's SQL text as aigc needs to read it without a server: where
/// one statement ends, and the named parameters (:name, @name, $name) that
/// saved queries use, rewritten to the $1, $2 ... that libpq binds.
///
/// The scanner knows PostgreSQL's lexical rules for what may hide a ';' or a
/// ':name': 'strings' (and E'strings' with backslash escapes), "identifiers",
/// $tag$dollar-quoted$tag$ bodies, -- comments and nested /* comments */.
/// A '::' cast is not a parameter.
#include <string>
#include <string_view>
#include <vector>

namespace aigc::pg {

/// The first statement of some SQL, ready for libpq.
struct ScannedStatement {
  std::string sql;                      ///< the statement with :name etc. as $n, without its ';'
  std::vector<std::string> parameters;  ///< ":name" for $1, $2 ... (each name once)
  std::size_t consumed = 0;             ///< bytes of the input up to and including the ';'
  bool empty = true;                    ///< only whitespace and comments before the ';' (or the end)
};

/// Scans the first statement of `sql`. Throws DataError for a positional
/// $1 (a saved query names its parameters) or an unterminated string,
/// identifier, dollar quote or comment.
ScannedStatement scan_first_statement(std::string_view sql);

/// The statement's first keyword, lower-cased ("select", "with", "insert"...);
/// empty if it starts with something else.
std::string first_keyword(std::string_view sql);

}  // namespace aigc::pg
