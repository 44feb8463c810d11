// Fuzzes the CSV reader with arbitrary bytes. It must never crash, and:
// - what it accepts from memory it accepts, identically, from a file
//   (checked for every fourth input size: see below);
// - positions are sane: lines never go back, columns start at 1;
// - differential: the records it accepts, written with CsvWriter and read
//   again, are the same records (values, and "" told from an empty field).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "csv/csv_reader.h"
#include "csv/csv_writer.h"
#include "fuzz_check.h"

namespace {

struct Field {
  std::string value;
  bool quoted;
  bool operator==(const Field&) const = default;
};
using Record = std::vector<Field>;

struct Outcome {
  std::vector<Record> records;
  bool refused = false;
  aigc::Location where;  ///< of the refusal
};

Outcome read_all(aigc::CsvReader& r, std::size_t input_size) {
  Outcome o;
  std::uint64_t last_line = 0;
  try {
    while (r.next()) {
      FUZZ_CHECK(r.size() >= 1);
      FUZZ_CHECK(r.record_line() > last_line);
      last_line = r.record_line();
      Record rec;
      for (std::size_t i = 0; i < r.size(); ++i) {
        const auto pos = r.position(i);
        FUZZ_CHECK(pos.line >= r.record_line());
        FUZZ_CHECK(pos.column >= 1);
        rec.push_back({std::string(r.field(i)), r.quoted(i)});
      }
      FUZZ_CHECK(r.bytes_read() <= input_size);
      o.records.push_back(std::move(rec));
    }
  } catch (const aigc::CsvError& e) {
    FUZZ_CHECK(e.where().line >= 1 && e.where().column >= 1);
    FUZZ_CHECK(e.where().line >= last_line);
    o.refused = true;
    o.where = e.where();
  }
  return o;
}

/// The same bytes through the file constructor (an anonymous memory file,
/// so nothing touches the disk).
Outcome read_as_file(std::string_view input) {
  const int fd = memfd_create("csv", 0);
  FUZZ_CHECK(fd >= 0);
  for (std::size_t done = 0; done < input.size();) {
    const ssize_t n = write(fd, input.data() + done, input.size() - done);
    FUZZ_CHECK(n > 0);
    done += static_cast<std::size_t>(n);
  }
  Outcome o;
  {
    aigc::CsvReader r("/proc/self/fd/" + std::to_string(fd));
    o = read_all(r, input.size());
  }
  close(fd);
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Outcome first;
  {
    aigc::CsvReader r(input, "fuzz.csv");
    first = read_all(r, size);
  }
  // Reading a file costs a 1 MiB buffer, which under ASan is an mmap and
  // munmap per run: only every fourth input size takes that path, so the
  // rest run several times faster.
  if (size % 4 == 0) {
    const Outcome from_file = read_as_file(input);
    FUZZ_CHECK(from_file.refused == first.refused);
    FUZZ_CHECK(from_file.records == first.records);
    if (first.refused)
      FUZZ_CHECK(from_file.where.line == first.where.line && from_file.where.column == first.where.column);
  }
  if (first.refused) return 0;

  // Write what was read and read it again.
  std::ostringstream out;
  {
    aigc::CsvWriter w(out, size % 2 == 1);  // LF or CRLF line ends
    for (const auto& rec : first.records) {
      for (const auto& f : rec) {
        if (f.quoted && f.value.empty())
          w.field_quoted(f.value);
        else
          w.field(f.value);
      }
      w.end_row();
    }
    w.flush();
  }
  const std::string written = out.str();
  aigc::CsvReader again(written, "written.csv");
  const Outcome second = read_all(again, written.size());
  FUZZ_CHECK(!second.refused);
  FUZZ_CHECK(second.records.size() == first.records.size());
  for (std::size_t i = 0; i < first.records.size(); ++i) {
    const auto& a = first.records[i];
    const auto& b = second.records[i];
    FUZZ_CHECK(a.size() == b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
      FUZZ_CHECK(a[k].value == b[k].value);
      // An empty field stays empty (NULL to the loader) and "" stays "",
      // except a record of one empty field, which the writer documents it
      // writes as "" so that it is not a blank line other readers skip.
      if (a[k].value.empty() && a.size() > 1) FUZZ_CHECK(a[k].quoted == b[k].quoted);
    }
  }
  return 0;
}
