#pragma once
/// The options load and import share for reading a CSV file: its delimiter.
#include <CLI/CLI.hpp>
#include <string>

#include "csv/csv_reader.h"

namespace aigc::cmd {

struct DelimiterOptions {
  std::string text;
  bool tsv = false;
  CLI::Option* option = nullptr;  ///< --delimiter, to tell "given empty" from "not given"
  /// The user chose the delimiter (so a one-column header is taken as meant).
  bool given() const { return tsv || (option != nullptr && option->count() > 0); }
};

/// -d/--delimiter CHAR and --tsv, as csvkit's -d and -t and sqlite3's .separator.
inline void add_delimiter_options(CLI::App& sub, DelimiterOptions& d) {
  d.option = sub.add_option("-d,--delimiter", d.text,
                            "Field separator: one character other than '\"', CR and LF (default ','); \\t or tab for a tab");
  sub.add_flag("--tsv", d.tsv, "Tab-separated input: the same as --delimiter tab")->excludes(d.option);
}

/// The reader's options; throws UsageError for a delimiter it cannot use.
inline CsvOptions csv_options_from(const DelimiterOptions& d) {
  CsvOptions o;
  if (d.tsv)
    o.delimiter = '\t';
  else if (d.given())
    o.delimiter = parse_delimiter(d.text);
  return o;
}

}  // namespace aigc::cmd
