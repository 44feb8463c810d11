#pragma once
/// What tab completion offers in the shell, decided from the text before the
/// cursor alone, so it is testable without a terminal.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "shell/line_reader.h"

namespace aigc::shell {

/// Everything completion can offer.
struct CompletionWords {
  std::vector<std::string> keywords;                        ///< SQL keywords, upper case
  std::vector<std::string> tables;                          ///< tables and views
  std::map<std::string, std::vector<std::string>> columns;  ///< by lower-case table name
  std::vector<std::string> queries;                         ///< saved-query names
  std::vector<std::string> dot_commands;                    ///< ".help", ".tables", ...
  std::vector<std::string> formats;                         ///< for .mode
};

/// Completions for the word that ends at the end of `before_cursor`.
/// `in_statement`: the line continues an unfinished SQL statement, so a
/// leading '.' does not make it a dot-command.
///  - a dot-command line: command names, then its argument (.run and
///    .export: saved queries; .schema: tables; .mode: formats; .timer: on/off);
///  - SQL: after FROM, JOIN, INTO, UPDATE or TABLE, table names; "t.c":
///    columns of table t; otherwise keywords (in the case being typed),
///    tables and columns.
CompletionReply complete_input(std::string_view before_cursor, bool in_statement, const CompletionWords& words);

}  // namespace aigc::shell
