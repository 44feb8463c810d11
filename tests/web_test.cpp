// The web front end in-process: Site::handle() on a real warehouse, without a
// socket (tests/serve_test.cpp speaks HTTP to the aigc-serve binary), and its
// parts: request decoding, the response cache's generations, the pool's
// change detection, row sorting, the row limit.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "json_parse.h"
#include "query/catalog.h"
#include "sqlite/connection.h"
#include "sqlite/sqlite_engine.h"
#include "sqlite/statement.h"
#include "support.h"
#include "warehouse/warehouse.h"
#include "web/html.h"
#include "web/http_server.h"
#include "web/limited_cursor.h"
#include "web/response_cache.h"
#include "web/site.h"

using namespace aigc;
using namespace aigc::web;

namespace {

struct WebFixture {
  test::TempDir dir;
  fs::path db = dir.path() / "w.db";
  std::unique_ptr<Site> site;
  WebFixture() {
    { auto built = open_warehouse(db, Access::read_only); }
    SiteOptions o;
    o.timeout = std::chrono::milliseconds(2000);
    o.max_rows = 5;
    o.pool_size = 2;
    site = std::make_unique<Site>(db, QueryCatalog::embedded(), o);
  }
  /// The response, a streamed body written out (as the server would send it).
  Response get(const std::string& target) {
    Response r = site->handle(parse_target("GET", target));
    if (r.stream) {
      std::ostringstream out;
      r.stream(out);
      r.body = std::move(out).str();
      r.stream = nullptr;
    }
    return r;
  }
  void write(const std::string& sql) {
    auto conn = open_database(db, Access::read_write);
    conn.exec(sql);
  }
};

}  // namespace

TEST_CASE("web: a request target is decoded in order, %XX and + in the query, a bad escape kept") {
  const Request r = parse_target("GET", "/queries/a%20b?x=1+2&y=%E4%BA%BA&x=3&z&bad=%zz%4");
  CHECK(r.path == "/queries/a b");
  REQUIRE(r.params.size() == 5);
  CHECK(r.params[0] == std::pair<std::string, std::string>{"x", "1 2"});
  CHECK(r.params[1].second == "人");
  CHECK(r.params[2].second == "3");
  CHECK(r.params[3] == std::pair<std::string, std::string>{"z", ""});
  CHECK(r.params[4].second == "%zz%4");
  CHECK(*r.param("x") == "1 2");                      // the first one
  CHECK(parse_target("GET", "/a+b").path == "/a+b");  // + is a space only in the query
}

TEST_CASE("web: a download's file name cannot break its header") {
  const std::string h = attachment("a\"b\r\nSet-Cookie: x;人", "csv");
  CHECK(h.find('\r') == std::string::npos);
  CHECK(h.find('\n') == std::string::npos);
  CHECK(h.find("filename=\"a_b__Set-Cookie__x____.csv\"") != std::string::npos);
  CHECK(h.find("filename*=UTF-8''a%22b%0D%0ASet-Cookie%3A%20x%3B%E4%BA%BA.csv") != std::string::npos);
}

TEST_CASE("web: the response cache serves one generation and starts over at the next") {
  ResponseCache cache(1 << 20, 3);
  auto resp = [](std::string body) {
    auto r = std::make_shared<Response>();
    r->body = std::move(body);
    return r;
  };
  cache.store("/a", 1, resp("one"));
  REQUIRE(cache.find("/a", 1));
  CHECK(cache.find("/a", 1)->body == "one");
  // A newer generation drops everything older...
  CHECK_FALSE(cache.find("/a", 2));
  // ...and a response computed before the change is never stored after it.
  cache.store("/a", 1, resp("stale"));
  CHECK_FALSE(cache.find("/a", 2));
  cache.store("/a", 2, resp("two"));
  CHECK(cache.find("/a", 2)->body == "two");
  // Bounded: the fourth entry starts over rather than growing.
  cache.store("/b", 2, resp("b"));
  cache.store("/c", 2, resp("c"));
  cache.store("/d", 2, resp("d"));
  CHECK(cache.entries() <= 3);
  CHECK(cache.find("/d", 2));
}

TEST_CASE("web: rows sort NULL first, numbers by value, then text, stably, both ways") {
  QueryResult r;
  r.columns = {"v", "i"};
  auto num = [](double d, const char* t) {
    ResultCell c;
    c.type = SQLITE_INTEGER;
    c.number = d;
    c.text = t;
    return c;
  };
  auto text = [](const char* t) {
    ResultCell c;
    c.type = SQLITE_TEXT;
    c.text = t;
    return c;
  };
  ResultCell null;
  r.rows = {{num(10, "10"), text("a")},
            {num(9, "9"), text("b")},
            {text("x"), text("c")},
            {null, text("d")},
            {num(9, "9"), text("e")}};
  sort_rows(r, 0, false);
  std::string order;
  for (const auto& row : r.rows) order += row[1].text;
  CHECK(order == "dbeac");  // NULL, 9, 9 (b before e: stable), 10, text
  sort_rows(r, 0, true);
  order.clear();
  for (const auto& row : r.rows) order += row[1].text;
  CHECK(order == "cabed");
}

TEST_CASE("web: the row limit shows N rows and knows whether more followed") {
  SQLite::Database db(":memory:");
  Statement st(db.getHandle(),
               "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 7) SELECT x, 'k'||x FROM c");
  SqliteCursor cursor(st.get());
  LimitedCursor limited(cursor, 5, {0, 1});
  int rows = 0;
  while (limited.step()) ++rows;
  CHECK(rows == 5);
  CHECK(limited.truncated());
  CHECK(limited.last_key_json() == "[5,\"k5\"]");
  limited.reset();
  LimitedCursor all(cursor, 7);
  while (all.step()) {
  }
  CHECK_FALSE(all.truncated());
}

TEST_CASE("web: pages and API answer with the right status, and errors never become 500") {
  WebFixture f;
  CHECK(f.get("/").status == 200);
  CHECK(f.get("/").body.find("/queries/api_prices") != std::string::npos);
  const Response page = f.get("/queries/api_prices_normalised?fx_usd_cny=abc");
  CHECK(page.status == 400);
  CHECK(page.body.find("id=\"param-fx_usd_cny-error\"") != std::string::npos);
  CHECK(page.body.find("aria-invalid=\"true\"") != std::string::npos);
  CHECK(page.body.find("<table id=\"result\"") == std::string::npos);
  const Response api = f.get("/api/queries/api_prices_normalised?fx_usd_cny=-1");
  CHECK(api.status == 400);
  CHECK(api.body.find("\"param\":\"fx_usd_cny\"") != std::string::npos);
  CHECK(f.get("/api/queries/nope").status == 404);
  CHECK(f.get("/tables/nope").status == 404);
  CHECK(f.get("/text/0").status == 404);
  CHECK(f.get("/text/999999").status == 404);
  CHECK(f.get("/text/12abc").status == 404);
  CHECK(f.get("/nope").status == 404);
  CHECK(f.get("/static/../../etc/passwd").status == 404);
  CHECK(f.get("/api/tables/firm?_size=0").status == 400);
  CHECK(f.get("/api/tables/firm?_after=%5B").status == 400);
  CHECK(f.get("/api/tables/firm?nope=1").status == 400);
  CHECK(f.get("/api/tables/firm?source_line=abc").status == 400);
  CHECK(f.get("/api/sql?q=DELETE+FROM+firm").status == 400);
  CHECK(f.get("/api/sql?q=SELECT+1%3B+SELECT+2").status == 400);
  CHECK(f.site->handle(parse_target("POST", "/api/queries")).status == 405);
}

TEST_CASE("web: the result page marks numbers, NULL and empty strings apart, and sorts by a column") {
  WebFixture f;
  const Response r = f.get("/sql?q=SELECT+1+AS+n,+NULL+AS+z,+''+AS+e,+'x'+AS+t");
  REQUIRE(r.status == 200);
  CHECK(r.body.find("<td class=\"num\">1</td><td class=\"null\">NULL</td><td class=\"empty\"></td><td>x</td>") !=
        std::string::npos);
  const Response sorted = f.get("/queries/api_prices?_sort=price&_desc=1");
  REQUIRE(sorted.status == 200);
  CHECK(sorted.body.find("aria-sort=\"descending\"") != std::string::npos);
  // The price column (the third) reads in descending numeric order.
  std::vector<double> prices;
  for (auto tr = sorted.body.find("<tr><td"); tr != std::string::npos; tr = sorted.body.find("<tr><td", tr + 1)) {
    auto cell = tr;
    for (int c = 0; c < 3; ++c) cell = sorted.body.find("<td", cell + 1);
    if (sorted.body.compare(cell, 16, "<td class=\"num\">") == 0)
      prices.push_back(std::stod(sorted.body.substr(cell + 16)));
  }
  REQUIRE(prices.size() >= 3);
  CHECK(std::is_sorted(prices.rbegin(), prices.rend()));
  CHECK(f.get("/queries/api_prices?_sort=nope").status == 400);
}

TEST_CASE("web: keyset pages visit every row of a table exactly once, filters narrow them") {
  WebFixture f;
  std::set<std::string> seen;
  std::string target = "/api/tables/firm?_size=7";
  int pages = 0;
  while (!target.empty() && pages < 100) {
    const Response r = f.get(target);
    REQUIRE(r.status == 200);
    const auto doc = test::JsonParser::parse(r.body);
    for (const auto& row : doc["rows"].items) CHECK(seen.insert(row["firm_id"].text).second);
    target = doc["next_url"].is_null() ? "" : doc["next_url"].text;
    ++pages;
  }
  auto db = open_database(f.db, Access::read_only);
  CHECK(seen.size() == static_cast<std::size_t>(db.execAndGet("SELECT count(*) FROM firm").getInt64()));
  CHECK(pages > 1);
  // A number column matches exactly: 51 is not 514.
  const auto exact = test::JsonParser::parse(f.get("/api/tables/product?source_line=514&_size=1000").body);
  for (const auto& row : exact["rows"].items) CHECK(row["source_line"].number() == 514);
  CHECK_FALSE(exact["rows"].items.empty());
}

TEST_CASE("web: a change by another connection shows on the next request, never a stale cached page") {
  WebFixture f;
  const auto before = f.get("/api/sql?q=SELECT+count(*)+AS+n+FROM+firm").body;
  const auto page_before = f.get("/tables/firm").body;
  CHECK(f.get("/tables/firm").body == page_before);  // cached
  f.write(
      "INSERT INTO firm(firm_id, name_en, kind, source_note) VALUES ('zz_web_test', 'Web Test', 'company', 'test')");
  const auto page_after = f.get("/tables/firm").body;
  CHECK(page_after != page_before);
  CHECK(page_after.find("zz_web_test") != std::string::npos);
  CHECK(f.get("/api/sql?q=SELECT+count(*)+AS+n+FROM+firm").body != before);
}

TEST_CASE("web: a warehouse replaced by a new file is served from the new file") {
  WebFixture f;
  const auto other = f.dir.path() / "other.db";
  { auto built = open_warehouse(other, Access::read_only); }
  {
    auto conn = open_database(other, Access::read_write);
    conn.exec("INSERT INTO firm(firm_id, name_en, kind, source_note) VALUES ('zz_replaced', 'R', 'company', 'test')");
  }
  CHECK(f.get("/tables/firm?firm_id=zz_replaced").body.find("zz_replaced</td>") == std::string::npos);
  fs::rename(other, f.db);
  CHECK(f.get("/tables/firm?firm_id=zz_replaced").body.find("zz_replaced</td>") != std::string::npos);
  CHECK(f.get("/api/queries/api_prices").status == 200);  // the pooled statements were prepared anew
}

TEST_CASE("web: a statement past the time limit is a 504, and the connection serves the next request") {
  WebFixture f;
  const Response r =
      f.get("/api/sql?q=WITH+RECURSIVE+c(x)+AS+(SELECT+1+UNION+ALL+SELECT+x%2B1+FROM+c)+SELECT+count(*)+FROM+c");
  CHECK(r.status == 504);
  CHECK(r.body.find("\"status\":504") != std::string::npos);
  CHECK(f.get("/api/sql?q=SELECT+1").status == 200);
  CHECK(f.get("/api/sql?q=SELECT+1").status == 200);
}

TEST_CASE("web: /sql caps the rows it shows and says so") {
  WebFixture f;
  const auto doc = test::JsonParser::parse(
      f.get("/api/sql?q=WITH+RECURSIVE+c(x)+AS+(SELECT+1+UNION+ALL+SELECT+x%2B1+FROM+c+LIMIT+9)+SELECT+x+FROM+c").body);
  CHECK(doc["rows"].items.size() == 5);
  CHECK(doc["truncated"].b);
}

namespace {

/// Every row of `table` reached by following next_url from the first page, as JSON texts of column `v`.
std::vector<std::string> walk(WebFixture& f, const std::string& table, int size) {
  std::vector<std::string> seen;
  std::string target = "/api/tables/" + table + "?_size=" + std::to_string(size);
  for (int pages = 0; !target.empty(); ++pages) {
    REQUIRE(pages < 100);
    const Response r = f.get(target);
    REQUIRE(r.status == 200);
    const auto doc = test::JsonParser::parse(r.body);
    for (const auto& row : doc["rows"].items) seen.push_back(row["v"].text);
    target = doc["next_url"].is_null() ? "" : doc["next_url"].text;
  }
  return seen;
}

}  // namespace

TEST_CASE("web: pages by key reach every row whatever the keys hold (red team: BLOB, NULL, REAL, shadowed rowid)") {
  WebFixture f;
  f.write(R"(
    CREATE TABLE t_mixed(k PRIMARY KEY, v);
    INSERT INTO t_mixed VALUES (1,'1'),(2,'2'),(2.5,'3'),('a','4'),('b','5'),(x'00','6'),(x'01','7'),(x'02','8');
    CREATE TABLE t_comp(a TEXT, b INTEGER, v, PRIMARY KEY(a,b));
    INSERT INTO t_comp VALUES (NULL,1,'1'),(NULL,2,'2'),('x',NULL,'3'),('x',1,'4'),('y',NULL,'5'),('y',NULL,'6');
    CREATE TABLE t_shadow(_rowid_ TEXT, v); INSERT INTO t_shadow VALUES ('a','1'),('a','2'),(NULL,'3'),(NULL,'4'),('b','5');
    CREATE TABLE t_blob(k BLOB PRIMARY KEY, v) WITHOUT ROWID;
    INSERT INTO t_blob VALUES (5,'1'),('a','2'),(x'00','3'),(x'01','4'),(x'02','5');
    CREATE TABLE t_real(k REAL PRIMARY KEY, v) WITHOUT ROWID; INSERT INTO t_real VALUES (-9e999,'1'),(0.1,'2'),(9e999,'3');
  )");
  using V = std::vector<std::string>;
  CHECK(walk(f, "t_mixed", 2) == V{"1", "2", "3", "4", "5", "6", "7", "8"});
  CHECK(walk(f, "t_comp", 2) == V{"1", "2", "3", "4", "5", "6"});
  CHECK(walk(f, "t_shadow", 2) == V{"1", "2", "3", "4", "5"});
  CHECK(walk(f, "t_blob", 2) == V{"1", "2", "3", "4", "5"});
  CHECK(walk(f, "t_real", 1) == V{"1", "2", "3"});
  // The rowid pages follow is not a column of the table's downloads.
  const Response csv = f.get("/tables/t_shadow.csv");
  CHECK(csv.body.substr(0, csv.body.find('\n')) == "_rowid_,v");
}

TEST_CASE("web: table names and column names that look like the URL's own parts") {
  WebFixture f;
  f.write(R"(
    CREATE TABLE "x"(k INTEGER PRIMARY KEY, v); INSERT INTO "x" VALUES (1, 'plain');
    CREATE TABLE "x.csv"(k INTEGER PRIMARY KEY, v); INSERT INTO "x.csv" VALUES (1, 'dotted');
    CREATE TABLE t_under(k INTEGER PRIMARY KEY, _secret TEXT, _size TEXT); INSERT INTO t_under VALUES (1,'s1','a'),(2,'s2','b');
  )");
  CHECK(f.get("/tables/x.csv").body.find("dotted") != std::string::npos);  // the table "x.csv", not x as CSV
  CHECK(f.get("/tables/x.csv.csv").body == "k,v\n1,dotted\n");
  CHECK(f.get("/tables/x.json").content_type.find("json") != std::string::npos);
  // A column starting with _ is filtered like any other, unless it is one of the page's own names.
  const auto doc = test::JsonParser::parse(f.get("/api/tables/t_under?_secret=s1").body);
  CHECK(doc["rows"].items.size() == 1);
  CHECK(f.get("/api/tables/t_under?k=1&k=2").status == 400);  // one filter per column
  CHECK(f.get("/sql.csv?q=SELECT+1").status == 404);
}

TEST_CASE("web: /sql refuses what would outlive the request: a transaction, and results past the byte cap") {
  WebFixture f;
  for (const char* sql : {"BEGIN", "SAVEPOINT a", "BEGIN IMMEDIATE"}) {
    const Response r = f.get("/api/sql?q=" + url_encode(sql));
    CHECK(r.status == 400);
  }
  // The warehouse takes a write from another process at once: no lock was left behind.
  f.write("CREATE TABLE after_begin(x)");
  const auto doc = test::JsonParser::parse(
      f.get("/api/sql?q=" + url_encode("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 4) "
                                       "SELECT zeroblob(20000000) FROM c"))
          .body);
  CHECK(doc["truncated"].b);
  CHECK(doc["rows"].items.size() < 4);
}

TEST_CASE("web: a broken saved query is listed with its error, and the others stay usable") {
  test::TempDir dir;
  const fs::path db = dir.path() / "w.db";
  { auto built = open_warehouse(db, Access::read_only); }
  fs::create_directories(dir.path() / "q");
  test::write_file(dir.path() / "q" / "broken.sql", "-- title: broken\n-- scope: report\nSELECT * FROM gone\n");
  test::write_file(dir.path() / "q" / "ok.sql", "-- title: ok\n-- scope: report\nSELECT 1 AS one\n");
  Site site(db, QueryCatalog::from_directory(dir.path() / "q"), SiteOptions{});
  CHECK(site.broken_queries().size() == 1);
  const Response list = site.handle(parse_target("GET", "/api/queries"));
  REQUIRE(list.status == 200);
  const auto doc = test::JsonParser::parse(list.body);
  CHECK(doc["queries"][0]["error"].text.find("no such table: gone") != std::string::npos);
  CHECK(site.handle(parse_target("GET", "/api/queries/ok")).status == 200);
}

TEST_CASE("web: the absolute form of a request target names the same page") {
  CHECK(parse_target("GET", "http://127.0.0.1:8765/api/queries?x=1").path == "/api/queries");
  CHECK(parse_target("GET", "http://host").path == "/");
}
