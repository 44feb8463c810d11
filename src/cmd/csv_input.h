#pragma once
/// The options load and import share for reading a CSV file: its delimiter.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "csv/csv_reader.h"

namespace aigc::cmd {

struct DelimiterOptions {
  std::optional<std::string> text;  ///< --delimiter; none: not given (given empty is an error)
  bool tsv = false;
  /// The user chose the delimiter (so a one-column header is taken as meant).
  bool given() const { return tsv || text.has_value(); }
};

/// -d/--delimiter CHAR and --tsv, as csvkit's -d and -t and sqlite3's .separator.
inline void add_delimiter_options(CLI::App& sub, DelimiterOptions& d) {
  auto* delimiter =
      sub.add_option("-d,--delimiter", d.text,
                     "Field separator: one character other than '\"', CR and LF (default ','); \\t or tab for a tab");
  sub.add_flag("--tsv", d.tsv, "Tab-separated input: the same as --delimiter tab")->excludes(delimiter);
}

/// The reader's options; throws UsageError for a delimiter it cannot use.
inline CsvOptions csv_options_from(const DelimiterOptions& d) {
  CsvOptions o;
  if (d.tsv)
    o.delimiter = '\t';
  else if (d.text)
    o.delimiter = parse_delimiter(*d.text);
  return o;
}

}  // namespace aigc::cmd
