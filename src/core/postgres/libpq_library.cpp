#include "postgres/libpq_library.h"

#include <dlfcn.h>

#include <memory>
#include <string>

#include "base/error.h"

namespace aigc {

namespace {

/// libpq's soname has been libpq.so.5 since PostgreSQL 8.3.
constexpr const char* kSoname = "libpq.so.5";

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
  Loaded() : handle_(::dlopen(kSoname, RTLD_NOW | RTLD_LOCAL)) {
    if (!handle_)
      throw DataError("cannot talk to PostgreSQL: " + dl_message() +
                      " (aigc needs libpq for that: apt-get install libpq5)");
#define AIGC_LIBPQ_BIND(name) bind(api_.name, #name);
    AIGC_LIBPQ_FUNCTIONS(AIGC_LIBPQ_BIND)
#undef AIGC_LIBPQ_BIND
  }
  const LibPq& api() const noexcept { return api_; }

 private:
  template <typename Function>
  void bind(Function& slot, const char* name) {
    ::dlerror();
    void* symbol = ::dlsym(handle_.get(), name);
    if (!symbol)
      throw DataError(std::string("cannot talk to PostgreSQL: ") + kSoname + " has no " + name + ": " + dl_message());
    slot = reinterpret_cast<Function>(symbol);
  }

  LibraryHandle handle_;
  LibPq api_{};
};

}  // namespace

const LibPq& libpq() {
  // A failed open throws out of the initialisation, so the next call tries again.
  static const Loaded loaded;
  return loaded.api();
}

}  // namespace aigc
