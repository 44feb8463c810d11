-- Facts about the warehouse itself: when and from which seeds it was built.
CREATE TABLE aigc_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
