#pragma once
/// libxlsxwriter, opened when the first workbook is written rather than when
/// the program starts.
///
/// Why: libxlsxwriter brings libcrypto, minizip and zlib, linked with
/// BIND_NOW. Loaded at start-up, the dynamic loader binds their ~5,000
/// symbols before every command, two thirds of the start-up of a short
/// `aigc run` (callgrind: 6.2 M of 9.6 M instructions), although only
/// `export --xlsx` uses them.
#include <xlsxwriter.h>

namespace aigc {

/// The libxlsxwriter functions the workbook export calls: one list for the
/// table of pointers below and for binding it (xlsxwriter_library.cpp).
#define AIGC_XLSXWRITER_FUNCTIONS(X) \
  X(workbook_new)                    \
  X(workbook_close)                  \
  X(lxw_workbook_free)               \
  X(workbook_add_format)             \
  X(workbook_add_worksheet)          \
  X(workbook_set_properties)         \
  X(worksheet_set_column)            \
  X(worksheet_write_string)          \
  X(worksheet_write_number)          \
  X(worksheet_write_url_opt)         \
  X(worksheet_freeze_panes)          \
  X(worksheet_autofilter)            \
  X(format_set_bold)                 \
  X(format_set_bg_color)             \
  X(format_set_bottom)               \
  X(format_set_font_color)           \
  X(format_set_underline)            \
  X(format_set_text_wrap)            \
  X(lxw_strerror)

/// Each function with the library's own signature.
struct XlsxWriterLibrary {
#define AIGC_XLSXWRITER_SLOT(name) decltype(&::name) name;
  AIGC_XLSXWRITER_FUNCTIONS(AIGC_XLSXWRITER_SLOT)
#undef AIGC_XLSXWRITER_SLOT
};

/// The library, opened on the first call and kept for the process's life.
/// Throws DataError naming the library and the package to install when it
/// cannot be opened or lacks a function.
const XlsxWriterLibrary& xlsxwriter_library();

}  // namespace aigc
