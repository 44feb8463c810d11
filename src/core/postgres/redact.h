#pragma once
/// Connection strings with their passwords hidden, for every message that
/// could show one (issue 15: a password is never printed, not even in an
/// error).
#include <string>
#include <string_view>

namespace aigc {

/// `text` with every password replaced by ***: postgresql://u:secret@h/db ->
/// postgresql://u:***@h/db, password=secret -> password=***, also quoted
/// (password='a b'). Also for libpq's own messages, which may quote it.
std::string redact_conninfo(std::string_view text);

}  // namespace aigc
