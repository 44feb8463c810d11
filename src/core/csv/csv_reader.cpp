// Streaming RFC 4180 reader.
//
// Design:
// - File input is read with read() into a buffer of at least 1 MiB. A record
//   is parsed in place: unquoted fields, and quoted fields without doubled
//   quotes, are string_views into that buffer; quoted fields holding "" are
//   unescaped into a per-record scratch string that keeps its capacity.
// - When a record runs past the end of the buffered data, the unconsumed tail
//   is moved to the front of the buffer (which doubles when one record fills
//   it), more is read, and the record is parsed again from its start. Memory is
//   thus proportional to the largest record, not to the input.
// - The hot loop scans 16 (SSE2) or 8 (SWAR) bytes at a time for the bytes
//   that need attention: , " LF CR NUL and any byte >= 0x80. ASCII text costs
//   no per-byte work; multi-byte UTF-8 sequences are validated when met.
// - Columns are counted in characters lazily: each field remembers where its
//   line starts (always inside the current record's bytes), and position()
//   counts UTF-8 lead bytes from there.
//
// Semantics chosen:
// - Records end at LF or CRLF. A lone CR (not followed by LF) outside quotes is
//   refused, with the tr command that converts classic Mac line ends: read as
//   content it would put CRs into header names and values with exit 0 (what
//   happened before), and read as a line end it would split a value that
//   holds a stray CR into two rows of a one-column file without a word.
//   Inside quotes CR, LF and CRLF are all content. Lines are counted by LF only.
// - A trailing line end at EOF does not create an empty record, and neither
//   does one blank line right before EOF (editors and other tools leave one);
//   an empty line elsewhere is a record with one empty, unquoted field.
// - The data after a closing quote must be the delimiter, LF, CRLF or end of input.
// - The delimiter is one byte (',' unless CsvOptions says otherwise).
// - The first bytes are checked for a UTF-16 BOM and gzip or zip signatures,
//   and invalid UTF-8 is refused with an iconv hint: each gets a message
//   that names what the file is and the command that converts it.
#include "csv/csv_reader.h"

#include <bit>
#include <cctype>
#include <cstring>
#include <limits>
#include <vector>

#include "csv/input_buffer.h"
#include "csv/utf8_validation.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace aigc {

namespace {

constexpr std::size_t kNoScratch = std::numeric_limits<std::size_t>::max();

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;

/// 0x80 in exactly the bytes of x that are zero (no false positives).
inline std::uint64_t zero_bytes(std::uint64_t x) {
  std::uint64_t t = (x & kLow7) + kLow7;
  return ~(t | x | kLow7);
}

inline std::uint64_t eq_bytes(std::uint64_t x, unsigned char c) { return zero_bytes(x ^ (kOnes * c)); }

/// Index of the first flagged byte (0x80 set) in a SWAR mask read with memcpy.
inline unsigned first_flagged(std::uint64_t m) {
  if constexpr (std::endian::native == std::endian::little) {
    return static_cast<unsigned>(std::countr_zero(m)) / 8;
  } else {
    return static_cast<unsigned>(std::countl_zero(m)) / 8;
  }
}

/// Byte classes for the scalar tails. Bit 1: stops an unquoted field; bit 2:
/// stops a quoted field.
struct Table {
  unsigned char cls[256] = {};
  explicit Table(char delimiter) {
    for (int c = 0x80; c < 256; ++c) cls[c] = 3;
    cls[0] = 3;
    cls[static_cast<unsigned char>('\n')] = 3;
    cls[static_cast<unsigned char>('"')] = 3;
    cls[static_cast<unsigned char>(delimiter)] |= 1;
    cls[static_cast<unsigned char>('\r')] = 1;
  }
};

/// First byte in [p, end) that is the delimiter, " LF CR NUL or >= 0x80; end if none.
inline const char* scan_unquoted(const char* p, const char* end, char delimiter, const Table& table) {
#if defined(__SSE2__)
  const __m128i comma = _mm_set1_epi8(delimiter);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i zero = _mm_setzero_si128();
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, quote)),
                             _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, zero));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(m) | _mm_movemask_epi8(v));
    if (mask != 0) return p + std::countr_zero(mask);
    p += 16;
  }
#endif
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    std::uint64_t m = eq_bytes(w, static_cast<unsigned char>(delimiter)) | eq_bytes(w, '"') | eq_bytes(w, '\n') |
                      eq_bytes(w, '\r') | zero_bytes(w) | (w & (kOnes * 0x80));
    if (m != 0) return p + first_flagged(m);
    p += 8;
  }
  while (p < end && (table.cls[static_cast<unsigned char>(*p)] & 1) == 0) ++p;
  return p;
}

/// First byte in [p, end) that is " LF NUL or >= 0x80; end if none.
inline const char* scan_quoted(const char* p, const char* end, const Table& table) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i zero = _mm_setzero_si128();
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, lf)), _mm_cmpeq_epi8(v, zero));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(m) | _mm_movemask_epi8(v));
    if (mask != 0) return p + std::countr_zero(mask);
    p += 16;
  }
#endif
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    std::uint64_t m = eq_bytes(w, '"') | eq_bytes(w, '\n') | zero_bytes(w) | (w & (kOnes * 0x80));
    if (m != 0) return p + first_flagged(m);
    p += 8;
  }
  while (p < end && (table.cls[static_cast<unsigned char>(*p)] & 2) == 0) ++p;
  return p;
}

/// Characters (UTF-8 lead bytes) in [a, b), which must be valid UTF-8.
std::uint64_t count_chars(const char* a, const char* b) {
  std::uint64_t n = 0;
  for (; a < b; ++a) n += (static_cast<unsigned char>(*a) & 0xC0) != 0x80;
  return n;
}

struct Field {
  const char* start;       // first byte of the field (the opening quote if quoted)
  const char* line_start;  // first byte of the line holding `start`
  std::uint64_t line;
  const char* ptr;  // content when not in scratch
  std::size_t len;
  std::size_t scratch_off;  // kNoScratch unless unescaped into scratch
  bool quoted;
};

/// Outcome of parsing one record: done, or it runs past the buffered data.
enum class Parse { kDone, kNeedMore };

/// The file's name as a shell word for a suggested command ("FILE.csv" for
/// standard input).
std::string shell_word(const std::string& name) {
  if (name == "<stdin>") return "FILE.csv";
  bool plain = !name.empty();
  for (char c : name)
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("._-/+", c) != nullptr);
  if (plain) return name;
  std::string q = "'";
  for (char c : name) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// The name of a converted copy to suggest: "x.csv" gives "x-utf8.csv".
std::string converted_name(const std::string& name, const char* suffix) {
  std::string base = name == "<stdin>" ? "FILE.csv" : name;
  const auto slash = base.rfind('/');
  const auto dot = base.rfind('.');
  std::string ext = ".csv";
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) {
    ext = base.substr(dot);
    base.resize(dot);
  }
  if (ext == ".gz" || ext == ".zip" || ext == ".xlsx") ext = ".csv";
  return shell_word(base + suffix + ext);
}

/// What `gunzip -c` of `name` should be written to: the name without .gz.
std::string gunzipped_name(const std::string& name) {
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0)
    return shell_word(name.substr(0, name.size() - 3));
  return converted_name(name, "");
}

bool is_workbook(const std::string& name) {
  std::string l;
  for (char c : name) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* ext : {".xlsx", ".xlsm", ".ods", ".numbers"})
    if (l.size() > std::strlen(ext) && l.compare(l.size() - std::strlen(ext), std::string::npos, ext) == 0) return true;
  return false;
}

}  // namespace

struct CsvReader::Impl {
  CsvOptions options;
  Table table;
  InputBuffer input;
  const std::string& name = input.name();

  const char* pos = nullptr;  // start of the next record, inside input
  bool bom_done = false;
  std::uint64_t line = 1;  // line at pos

  std::uint64_t rec_line = 0;
  const char* rec_start = nullptr;  // first byte of the current record
  std::vector<Field> fields;
  std::string scratch;

  Impl(const std::string& path, const CsvOptions& read_options)
      : options(read_options), table(read_options.delimiter), input(path), pos(input.begin()) {
    fields.reserve(64);
  }
  Impl(std::string_view data, std::string input_name, const CsvOptions& read_options)
      : options(read_options), table(read_options.delimiter), input(data, std::move(input_name)), pos(input.begin()) {
    fields.reserve(64);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  // The buffered input, as the parser reads it.
  const char* end() const { return input.end(); }
  bool eof() const { return input.eof(); }

  [[noreturn]] void fail(const char* at, const char* line_start, std::uint64_t at_line, const std::string& msg) const {
    throw CsvError(Location{name, at_line, 1 + count_chars(line_start, at)}, msg);
  }

  /// Keeps the unconsumed bytes, from pos on, and reads more behind them.
  void fill() { input.refill(pos); }

  /// Refuses invalid UTF-8 at `at`, saying how to convert the likely encodings.
  [[noreturn]] void fail_utf8(const char* at, const char* line_start, std::uint64_t at_line,
                              const std::string& what) const {
    fail(at, line_start, at_line,
         what +
             "; the file is not UTF-8. If it is Windows-1252 or Latin-1 (Western European Excel), convert it: iconv -f "
             "WINDOWS-1252 -t UTF-8 " +
             shell_word(name) + " > " + converted_name(name, "-utf8") +
             "; if it is GBK (Chinese Excel): iconv -f GB18030 -t UTF-8 " + shell_word(name) + " > " +
             converted_name(name, "-utf8"));
  }

  /// A CR not followed by LF, outside quotes.
  [[noreturn]] void fail_bare_cr(const char* at, const char* line_start, std::uint64_t at_line) const {
    const std::string fix = "tr '\\r' '\\n' < " + shell_word(name) + " > " + converted_name(name, "-lf");
    if (at_line == 1)
      fail(at, line_start, at_line,
           "carriage return (CR) without a line feed: the file has classic Mac line ends, which are not read; convert "
           "them: " +
               fix);
    fail(at, line_start, at_line,
         "carriage return (CR) without a line feed outside quotes: quote the field that holds it, or, if the file's "
         "lines end in CR, convert them: " +
             fix);
  }

  /// Refuses a file whose first bytes say it is not a UTF-8 text file.
  void check_signature() const {
    const auto b = [&](std::size_t i) { return pos + i < end() ? static_cast<unsigned char>(pos[i]) : 0x100u; };
    std::string what;
    if (b(0) == 0xFF && b(1) == 0xFE)
      what =
          "the file is UTF-16LE text (it starts with a UTF-16 byte-order mark); convert it: iconv -f UTF-16LE -t "
          "UTF-8 " +
          shell_word(name) + " > " + converted_name(name, "-utf8");
    else if (b(0) == 0xFE && b(1) == 0xFF)
      what =
          "the file is UTF-16BE text (it starts with a UTF-16 byte-order mark); convert it: iconv -f UTF-16BE -t "
          "UTF-8 " +
          shell_word(name) + " > " + converted_name(name, "-utf8");
    else if (b(0) == 0x1F && b(1) == 0x8B)
      what = "the file is gzip-compressed; decompress it first: gunzip -c " + shell_word(name) + " > " +
             gunzipped_name(name) + ", or pipe it: gunzip -c " + shell_word(name) + " | aigc ... -";
    else if (b(0) == 'P' && b(1) == 'K' && b(2) == 3 && b(3) == 4)
      what = is_workbook(name) ? "the file is a spreadsheet workbook (a zip archive), not CSV: save the sheet as \"CSV "
                                 "UTF-8\" from the spreadsheet"
                               : "the file is a zip archive; extract the CSV from it first: unzip " + shell_word(name);
    if (!what.empty()) fail(pos, pos, 1, what);  // at 1:1: about the whole file
  }

  /// Validates the run of non-ASCII UTF-8 sequences starting at q (a byte >=
  /// 0x80). Returns the byte after them, or nullptr when more input is needed.
  const char* validate_utf8(const char* q, const char* line_start, std::uint64_t at_line) const {
    const Utf8Check check = check_utf8_run(q, end(), eof());
    if (!check.valid()) fail_utf8(check.at, line_start, at_line, check.reason());
    return check.at;
  }

  /// Refuses a NUL byte; one among the first two bytes, beside an ASCII
  /// character, is most likely UTF-16 without a byte-order mark.
  [[noreturn]] void fail_nul(const char* q, const char* line_start, std::uint64_t at_line) const {
    const auto printable = [](const char* c) { return *c >= 0x20 && *c < 0x7F; };
    // UTF-16 text starting with an ASCII character has a NUL as its first
    // (big-endian) or second (little-endian) byte, beside that character.
    const std::uint64_t offset = input.offset() + static_cast<std::uint64_t>(q - input.begin());
    const bool utf16 =
        at_line == 1 && offset <= 1 && ((q > input.begin() && printable(q - 1)) || (q + 1 < end() && printable(q + 1)));
    fail(q, line_start, at_line,
         utf16 ? "NUL byte in input: the file looks like UTF-16 text; convert it: iconv -f UTF-16 -t UTF-8 " +
                     shell_word(name) + " > " + converted_name(name, "-utf8")
               : std::string("NUL byte in input"));
  }

  /// Adds a field to the record, refusing more than the limit.
  void push_field(const Field& f) {
    if (fields.size() == options.max_fields)
      fail(f.start, f.line_start, f.line,
           "record has more than " + std::to_string(options.max_fields) + " fields (the reader's limit per record)");
    fields.push_back(f);
  }

  /// Parses one record starting at pos (which is before end).
  Parse parse() {
    fields.clear();
    scratch.clear();
    const char* p = pos;
    std::uint64_t ln = line;
    const char* line_start = p;

    for (;;) {
      Field f{p, line_start, ln, p, 0, kNoScratch, false};
      if (p < end() && *p == '"') {
        f.quoted = true;
        const char* q = p + 1;
        const char* seg = q;
        for (;;) {
          q = scan_quoted(q, end(), table);
          if (q == end()) {
            if (!eof()) return Parse::kNeedMore;
            fail(f.start, f.line_start, f.line,
                 "unterminated quoted field (opened at line " + std::to_string(f.line) + ", column " +
                     std::to_string(1 + count_chars(f.line_start, f.start)) + ")");
          }
          const char c = *q;
          if (c == '"') {
            if (q + 1 == end() && !eof()) return Parse::kNeedMore;
            if (q + 1 < end() && q[1] == '"') {
              if (f.scratch_off == kNoScratch) f.scratch_off = scratch.size();
              scratch.append(seg, static_cast<std::size_t>(q + 1 - seg));
              q += 2;
              seg = q;
              continue;
            }
            if (f.scratch_off != kNoScratch) {
              scratch.append(seg, static_cast<std::size_t>(q - seg));
              f.len = scratch.size() - f.scratch_off;
            } else {
              f.ptr = p + 1;
              f.len = static_cast<std::size_t>(q - f.ptr);
            }
            p = q + 1;
            break;
          } else if (c == '\n') {
            ++ln;
            line_start = ++q;
          } else if (c == '\0') {
            fail_nul(q, line_start, ln);
          } else {
            q = validate_utf8(q, line_start, ln);
            if (q == nullptr) return Parse::kNeedMore;
          }
        }
        // After the closing quote.
        if (p == end()) {
          if (!eof()) return Parse::kNeedMore;
          push_field(f);
          break;
        }
        if (*p == options.delimiter) {
          push_field(f);
          ++p;
          continue;
        }
        if (*p == '\n') {
          push_field(f);
          ++p;
          ++ln;
          break;
        }
        if (*p == '\r') {
          if (p + 1 == end() && !eof()) return Parse::kNeedMore;
          if (p + 1 < end() && p[1] == '\n') {
            push_field(f);
            p += 2;
            ++ln;
            break;
          }
          fail_bare_cr(p, line_start, ln);
        }
        fail(p, line_start, ln, "unexpected character after closing quote");
      }

      // Unquoted field.
      const char* q = p;
      bool record_done = false;
      for (;;) {
        q = scan_unquoted(q, end(), options.delimiter, table);
        if (q == end()) {
          if (!eof()) return Parse::kNeedMore;
          f.len = static_cast<std::size_t>(q - p);
          push_field(f);
          p = q;
          record_done = true;
          break;
        }
        const char c = *q;
        if (c == options.delimiter) {
          f.len = static_cast<std::size_t>(q - p);
          push_field(f);
          p = q + 1;
          break;
        }
        if (c == '\n') {
          f.len = static_cast<std::size_t>(q - p);
          push_field(f);
          p = q + 1;
          ++ln;
          record_done = true;
          break;
        }
        if (c == '\r') {
          if (q + 1 == end() && !eof()) return Parse::kNeedMore;
          if (q + 1 < end() && q[1] == '\n') {
            f.len = static_cast<std::size_t>(q - p);
            push_field(f);
            p = q + 2;
            ++ln;
            record_done = true;
            break;
          }
          fail_bare_cr(q, line_start, ln);
        }
        if (c == '"') {
          fail(q, line_start, ln,
               "quote character inside an unquoted field; quote the whole field and double the quote");
        }
        if (c == '\0') fail_nul(q, line_start, ln);
        q = validate_utf8(q, line_start, ln);
        if (q == nullptr) return Parse::kNeedMore;
      }
      if (record_done) break;
    }

    rec_line = line;
    line = ln;
    pos = p;
    return Parse::kDone;
  }

  /// A record that is one empty, unquoted field: a blank line.
  bool blank() const { return fields.size() == 1 && fields[0].len == 0 && !fields[0].quoted; }

  bool next() {
    if (!bom_done && options.start_of_file) {
      while (!eof() && end() - pos < 4) fill();
      if (end() - pos >= 3 && static_cast<unsigned char>(pos[0]) == 0xEF &&
          static_cast<unsigned char>(pos[1]) == 0xBB && static_cast<unsigned char>(pos[2]) == 0xBF) {
        pos += 3;
      } else {
        check_signature();
      }
      bom_done = true;
    }
    for (;;) {
      if (pos == end()) {
        if (eof()) {
          fields.clear();
          scratch.clear();
          return false;
        }
        fill();
        continue;
      }
      rec_start = pos;
      if (parse() == Parse::kDone) {
        if (!blank() || pos != end()) return true;
        if (!eof()) {
          // Whether this blank line is the last one depends on what follows:
          // read on, and parse it again.
          pos = rec_start;
          line = rec_line;
          fill();
          continue;
        }
        // One blank line right before the end() of input is not a record.
        fields.clear();
        scratch.clear();
        rec_start = pos;
        return false;
      }
      if (static_cast<std::size_t>(end() - pos) >= options.max_record_bytes)
        throw CsvError(Location{name, line, 1}, "record starting here is longer than " +
                                                    std::to_string(options.max_record_bytes >> 20) +
                                                    " MiB (the reader's limit per record): a quoted field with no "
                                                    "closing quote, or a file with no line ends?");
      fill();
    }
  }
};

char parse_delimiter(std::string_view text) {
  if (text == "\\t" || text == "tab" || text == "TAB") return '\t';
  if (text.size() != 1 || text[0] == '"' || text[0] == '\r' || text[0] == '\n' || text[0] == '\0' ||
      static_cast<unsigned char>(text[0]) >= 0x80)
    throw UsageError(
        "--delimiter: expected one ASCII character other than '\"', CR and LF (\\t or tab for a tab), got " +
        std::string(text.empty() ? "an empty value" : "'" + std::string(text) + "'"));
  return text[0];
}

CsvReader::CsvReader(const std::string& path, CsvOptions options) : impl_(std::make_unique<Impl>(path, options)) {}

CsvReader::CsvReader(std::string_view data, std::string name, CsvOptions options)
    : impl_(std::make_unique<Impl>(data, std::move(name), options)) {}

CsvReader::~CsvReader() = default;

bool CsvReader::next() { return impl_->next(); }

std::size_t CsvReader::size() const { return impl_->fields.size(); }

std::string_view CsvReader::field(std::size_t i) const {
  const Field& f = impl_->fields.at(i);
  if (f.scratch_off != kNoScratch) return std::string_view(impl_->scratch).substr(f.scratch_off, f.len);
  return std::string_view(f.ptr, f.len);
}

bool CsvReader::quoted(std::size_t i) const { return impl_->fields.at(i).quoted; }

FieldPos CsvReader::position(std::size_t i) const {
  const Field& f = impl_->fields.at(i);
  return FieldPos{f.line, 1 + count_chars(f.line_start, f.start)};
}

std::uint64_t CsvReader::record_line() const { return impl_->rec_line; }

std::string_view CsvReader::raw_record() const {
  if (impl_->rec_start == nullptr || impl_->fields.empty()) return {};
  return std::string_view(impl_->rec_start, static_cast<std::size_t>(impl_->pos - impl_->rec_start));
}

const std::string& CsvReader::name() const { return impl_->name; }

const CsvOptions& CsvReader::options() const { return impl_->options; }

std::uint64_t CsvReader::bytes_read() const {
  return impl_->input.offset() + static_cast<std::uint64_t>(impl_->pos - impl_->input.begin());
}

std::uint64_t CsvReader::total_bytes() const { return impl_->input.total(); }

}  // namespace aigc
