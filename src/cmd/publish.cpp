// aigc publish: the warehouse copied into a PostgreSQL schema.
#include <iostream>
#include <memory>

#include "cmd/commands.h"
#include "cmd/progress.h"
#include "postgres/conninfo.h"
#include "publish/publish.h"
#include "warehouse/warehouse.h"

namespace aigc::cmd {

void setup_publish(CLI::App& app, GlobalOptions& global) {
  auto opts = std::make_shared<PublishCommandOptions>();
  auto* sub = app.add_subcommand("publish", "Copy the whole warehouse into a PostgreSQL schema, and check the copy");
  sub->add_option("URL", opts->conninfo,
                  "postgresql://USER@HOST/DB or a libpq string (\"host=... dbname=...\"); \"\" uses PGHOST, "
                  "PGDATABASE and the other PG* variables")
      ->required();
  sub->add_option("--schema", opts->schema, "The schema to create or replace")->default_val("aigc");
  sub->footer(R"(Every table (the report's rows, rows users loaded, imported tables and
aigc_meta) is copied with COPY into a new schema under a temporary name,
given the same keys, foreign keys, CHECKs (GLOB becomes a regular
expression) and indexes, compared with the warehouse table by table (row
count and content digest), and only then swapped in place of the schema of
the same name, in one transaction: a publish that fails or is killed leaves
the server's previous schema as it was. The old schema is dropped with
CASCADE: views in other schemas built on its tables go with it. libpq reads PGHOST, PGPORT, PGUSER,
PGPASSWORD, ~/.pgpass and sslmode as usual; a password is never printed.
Exit status 1 if the server cannot be reached or the copy differs.

Examples:
  aigc publish postgresql://me@db.example.com/market
    published 29 tables, 766 rows to schema aigc at postgresql://me@db.example.com/market (digests match)
  aigc publish "host=/var/run/postgresql dbname=market" --schema aigc_test
)");
  sub->callback([opts, &global] { run_publish(*opts, global, std::cout); });
}

void run_publish(const PublishCommandOptions& options, const GlobalOptions& global, std::ostream& out) {
  auto db = open_warehouse(resolve_warehouse_path(global.db), Access::read_only);
  ProgressBar bar("publish");
  PublishOptions po;
  po.conninfo = options.conninfo;
  po.schema = options.schema;
  po.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.update(LoadProgress{done, done, total}); };
  const PublishSummary summary = publish_warehouse(db.getHandle(), po);
  bar.clear();
  out << "published " << summary.tables.size() << (summary.tables.size() == 1 ? " table, " : " tables, ")
      << summary.rows << (summary.rows == 1 ? " row" : " rows") << " to schema " << summary.schema;
  if (!options.conninfo.empty()) out << " at " << redact_conninfo(options.conninfo);
  out << " (digests match)\n";
}

}  // namespace aigc::cmd
