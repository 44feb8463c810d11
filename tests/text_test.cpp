// base/text.h: ASCII case and trimming, which must leave UTF-8 bytes alone.
#include <doctest/doctest.h>

#include "base/text.h"

TEST_CASE("text: case changes touch ASCII letters only, never a UTF-8 byte") {
  CHECK(aigc::ascii_lower("SELECT 玉言 FROM Firm") == "select 玉言 from firm");
  CHECK(aigc::ascii_upper("select é") == "SELECT é");
  const std::string bytes = "\xC3\x80\xC3\xA0";  // À à: bytes a locale's tolower could change
  CHECK(aigc::ascii_lower(bytes) == bytes);
  CHECK(aigc::ascii_upper(bytes) == bytes);
  CHECK(aigc::iequals("Firm_Name", "FIRM_name"));
  CHECK_FALSE(aigc::iequals("firm", "firms"));
  CHECK_FALSE(aigc::iequals("\xC3\x80", "\xC3\xA0"));
}

TEST_CASE("text: trim removes only the characters asked for, at the ends") {
  CHECK(aigc::trim("  a b \t\r\n") == "a b");
  CHECK(aigc::trim(" \t ") == "");
  CHECK(aigc::trim("") == "");
  CHECK(aigc::trim(" \ta\r ", " \t") == "a\r");
  CHECK(aigc::trim_left("  a ") == "a ");
  CHECK(aigc::trim_right("  a \n") == "  a");
  CHECK(aigc::trim("\xE3\x80\x80x\xE3\x80\x80") == "\xE3\x80\x80x\xE3\x80\x80");  // ideographic space is not ASCII
}
