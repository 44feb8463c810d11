#include "export/xlsxwriter_library.h"

#include <dlfcn.h>

#include <memory>
#include <string>

#include "base/error.h"

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
#define AIGC_XLSXWRITER_BIND(name) bind(api_.name, #name);
    AIGC_XLSXWRITER_FUNCTIONS(AIGC_XLSXWRITER_BIND)
#undef AIGC_XLSXWRITER_BIND
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
