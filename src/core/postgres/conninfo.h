#pragma once
/// Connection strings as shown to a person: with every password replaced by
/// "***". Every message that could hold a connection string, or libpq's own
/// error text about one, goes through redact_conninfo() before it leaves the
/// postgres layer, so a password is never printed, not even in an error.
#include <string>
#include <string_view>
#include <vector>

namespace aigc {

/// `text` with the passwords it holds replaced by "***":
///   postgresql://u:secret@h/db        -> postgresql://u:***@h/db
///   postgresql://h/db?password=secret -> postgresql://h/db?password=***
///   host=h password=secret            -> host=h password=***
///   password='a b\'c'                 -> password=***
/// Works on free text too (a message quoting a connection string). When in
/// doubt it hides more, never less.
std::string redact_conninfo(std::string_view text);

/// The passwords written in `conninfo` (as written, and percent-decoded for
/// a URL), for hiding them in text that quotes them some other way
/// (redact_message).
std::vector<std::string> conninfo_passwords(std::string_view conninfo);

/// `message` (libpq's error text about `conninfo`) through redact_conninfo,
/// with any literal occurrence of a password written in `conninfo` replaced
/// by "***" as well.
std::string redact_message(std::string_view message, std::string_view conninfo);

}  // namespace aigc
