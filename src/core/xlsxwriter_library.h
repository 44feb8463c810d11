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

/// The libxlsxwriter functions the workbook export calls, each with the
/// library's own signature.
struct XlsxWriterLibrary {
  decltype(&::workbook_new) workbook_new;
  decltype(&::workbook_close) workbook_close;
  decltype(&::lxw_workbook_free) lxw_workbook_free;
  decltype(&::workbook_add_format) workbook_add_format;
  decltype(&::workbook_add_worksheet) workbook_add_worksheet;
  decltype(&::workbook_set_properties) workbook_set_properties;
  decltype(&::worksheet_set_column) worksheet_set_column;
  decltype(&::worksheet_write_string) worksheet_write_string;
  decltype(&::worksheet_write_number) worksheet_write_number;
  decltype(&::worksheet_write_url_opt) worksheet_write_url_opt;
  decltype(&::worksheet_freeze_panes) worksheet_freeze_panes;
  decltype(&::worksheet_autofilter) worksheet_autofilter;
  decltype(&::format_set_bold) format_set_bold;
  decltype(&::format_set_bg_color) format_set_bg_color;
  decltype(&::format_set_bottom) format_set_bottom;
  decltype(&::format_set_font_color) format_set_font_color;
  decltype(&::format_set_underline) format_set_underline;
  decltype(&::format_set_text_wrap) format_set_text_wrap;
  decltype(&::lxw_strerror) lxw_strerror;
};

/// The library, opened on the first call and kept for the process's life.
/// Throws DataError naming the library and the package to install when it
/// cannot be opened or lacks a function.
const XlsxWriterLibrary& xlsxwriter_library();

}  // namespace aigc
