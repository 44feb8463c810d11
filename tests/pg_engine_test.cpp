// PostgreSQL behind the engine seam (issue 15): connection strings shown
// without their password, the PG cursor, and --on for the query commands.
#include <doctest/doctest.h>

#include <string>

#include "postgres/conninfo.h"

using aigc::redact_conninfo;
using aigc::redact_message;

TEST_CASE("pg: redact_conninfo hides a URL's password and keeps the rest") {
  CHECK(redact_conninfo("postgresql://u:secret@h/db") == "postgresql://u:***@h/db");
  CHECK(redact_conninfo("postgres://u:secret@h:5433/db?sslmode=require") ==
        "postgres://u:***@h:5433/db?sslmode=require");
  CHECK(redact_conninfo("postgresql://u@h/db") == "postgresql://u@h/db");
  CHECK(redact_conninfo("postgresql:///db?host=/tmp/x") == "postgresql:///db?host=/tmp/x");
  CHECK(redact_conninfo("postgresql://h/db?user=u&password=secret&sslmode=disable") ==
        "postgresql://h/db?user=u&password=***&sslmode=disable");
  // A raw '@' or '/' in the password is still hidden whole.
  CHECK(redact_conninfo("postgresql://u:p@ss/w@h/db") == "postgresql://u:***@h/db");
  // Inside a message.
  CHECK(redact_conninfo("cannot connect to postgresql://u:secret@h/db: refused") ==
        "cannot connect to postgresql://u:***@h/db: refused");
}

TEST_CASE("pg: redact_conninfo hides password=VALUE in keyword strings, quoted or not") {
  CHECK(redact_conninfo("host=h password=secret dbname=d") == "host=h password=*** dbname=d");
  CHECK(redact_conninfo("host=h password = secret") == "host=h password = ***");
  CHECK(redact_conninfo("password='a b' host=h") == "password=*** host=h");
  CHECK(redact_conninfo("password='it\\'s' host=h") == "password=*** host=h");
  CHECK(redact_conninfo("password=a&b host=h") == "password=*** host=h");
  CHECK(redact_conninfo("host=h dbname=password") == "host=h dbname=password");
  CHECK(redact_conninfo("host=h passfile=/x") == "host=h passfile=/x");
  CHECK(redact_conninfo("") == "");
}

TEST_CASE("pg: redact_message hides a password that libpq's message quotes another way") {
  const std::string conninfo = "postgresql://u:se%63ret@h/db";
  const std::string message = "invalid percent-encoded token: \"se%63ret\" (that is secret)";
  const std::string redacted = redact_message(message, conninfo);
  CHECK(redacted.find("se%63ret") == std::string::npos);
  CHECK(redacted.find("secret") == std::string::npos);
  CHECK(redacted.find("***") != std::string::npos);
  CHECK(redact_message("password authentication failed for user \"u\"", "host=h password='p w'") ==
        "password authentication failed for user \"u\"");
  CHECK(redact_message("bad value p w here", "host=h password='p w'") == "bad value *** here");
}
