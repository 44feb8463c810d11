#pragma once
/// Error types of the core. The core throws; only src/cmd/main.cpp prints
/// them and maps them to exit codes (1 data or SQL error, 2 usage error).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace aigc {

/// Base of every error the core throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad data or a failing SQL statement: exit code 1.
class DataError : public Error {
 public:
  using Error::Error;
};

/// The user asked for something that cannot be done as asked: exit code 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

/// A place in a text file: 1-based line and column (column counted in
/// characters, i.e. Unicode code points, so editors jump to it).
struct Location {
  std::string file;
  std::uint64_t line = 0;
  std::uint64_t column = 0;
};

/// One problem found in an input file.
struct DataIssue {
  Location where;
  std::string column;   ///< column name, empty when the problem is not about a column
  std::string message;  ///< what is wrong, e.g. "expected an integer, got 'abc'"

  /// "file:line:column: column NAME: message"
  std::string format() const;
};

/// Malformed CSV (invalid UTF-8, NUL, unterminated quote, ...): stops reading.
class CsvError : public DataError {
 public:
  CsvError(Location where, const std::string& message);
  const Location& where() const noexcept { return where_; }
  const std::string& reason() const noexcept { return reason_; }

 private:
  Location where_;
  std::string reason_;
};

/// A refused file: every issue found (up to a limit), nothing loaded.
class LoadError : public DataError {
 public:
  /// `stopped_early`: reading stopped at the error limit, so there may be more.
  LoadError(std::vector<DataIssue> issues, bool stopped_early);
  const std::vector<DataIssue>& issues() const noexcept { return issues_; }
  bool stopped_early() const noexcept { return stopped_early_; }

 private:
  std::vector<DataIssue> issues_;
  bool stopped_early_;
};

}  // namespace aigc
