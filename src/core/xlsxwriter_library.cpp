#include "core/xlsxwriter_library.h"

#include <dlfcn.h>

#include <memory>
#include <string>

#include "core/error.h"

#ifndef AIGC_XLSXWRITER_SONAME
#error "AIGC_XLSXWRITER_SONAME: the build names the libxlsxwriter to open (src/CMakeLists.txt)"
#endif

namespace aigc {

namespace {

struct LibraryCloser {
  void operator()(void* handle) const noexcept { ::dlclose(handle); }
};
using LibraryHandle = std::unique_ptr<void, LibraryCloser>;

std::string dl_message() {
  const char* e = ::dlerror();
  return e ? e : "unknown error";
}

class Loaded {
 public:
  Loaded() : handle_(::dlopen(AIGC_XLSXWRITER_SONAME, RTLD_NOW | RTLD_LOCAL)) {
    if (!handle_)
      throw DataError("cannot write .xlsx: " + dl_message() +
                      " (the Excel export needs libxlsxwriter: apt-get install libxlsxwriter4)");
    bind(api_.workbook_new, "workbook_new");
    bind(api_.workbook_close, "workbook_close");
    bind(api_.lxw_workbook_free, "lxw_workbook_free");
    bind(api_.workbook_add_format, "workbook_add_format");
    bind(api_.workbook_add_worksheet, "workbook_add_worksheet");
    bind(api_.workbook_set_properties, "workbook_set_properties");
    bind(api_.worksheet_set_column, "worksheet_set_column");
    bind(api_.worksheet_write_string, "worksheet_write_string");
    bind(api_.worksheet_write_number, "worksheet_write_number");
    bind(api_.worksheet_write_url_opt, "worksheet_write_url_opt");
    bind(api_.worksheet_freeze_panes, "worksheet_freeze_panes");
    bind(api_.worksheet_autofilter, "worksheet_autofilter");
    bind(api_.format_set_bold, "format_set_bold");
    bind(api_.format_set_bg_color, "format_set_bg_color");
    bind(api_.format_set_bottom, "format_set_bottom");
    bind(api_.format_set_font_color, "format_set_font_color");
    bind(api_.format_set_underline, "format_set_underline");
    bind(api_.format_set_text_wrap, "format_set_text_wrap");
    bind(api_.lxw_strerror, "lxw_strerror");
  }
  const XlsxWriterLibrary& api() const noexcept { return api_; }

 private:
  template <typename Function>
  void bind(Function& slot, const char* name) {
    ::dlerror();
    void* symbol = ::dlsym(handle_.get(), name);
    if (!symbol)
      throw DataError(std::string("cannot write .xlsx: ") + AIGC_XLSXWRITER_SONAME + " has no " + name + ": " +
                      dl_message());
    slot = reinterpret_cast<Function>(symbol);
  }

  LibraryHandle handle_;
  XlsxWriterLibrary api_{};
};

}  // namespace

const XlsxWriterLibrary& xlsxwriter_library() {
  // A failed open throws out of the initialisation, so the next call tries again.
  static const Loaded loaded;
  return loaded.api();
}

}  // namespace aigc
