#pragma once

/// SQL text for a timestamptz column as RFC 3339 UTC with microseconds, for string literal
/// concatenation: "SELECT " DH_SQL_TIMESTAMP("t.created_at") " AS created_at".
#define DH_SQL_TIMESTAMP(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
