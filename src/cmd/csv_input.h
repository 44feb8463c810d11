#pragma once
/// The options load and import share for reading a CSV file: its delimiter.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "cmd/progress.h"
#include "csv/csv_reader.h"
#include "load/loader.h"

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

/// The loader options load and import share, from their commands' flags;
/// progress goes to `bar`, which must outlive the load.
template <class CommandOptions>
void set_shared_load_options(const CommandOptions& command, ProgressBar& bar, LoadOptions& lo) {
  lo.dry_run = command.dry_run;
  lo.delimiter_given = command.delimiter.given();
  lo.max_errors = command.max_errors;
  lo.progress = [&bar](const LoadProgress& p) { bar.update(p); };
}

}  // namespace aigc::cmd
