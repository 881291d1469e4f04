#pragma once

/// SQL text for a dispatch's per-status counts as jsonb ({"queued": 2, "sent": 5}; a status with
/// none is left out), for string literal concatenation; `id` is an SQL expression naming the
/// dispatch. The counts are the sums of the dispatch's rows in dispatch_status_counts, which the
/// triggers on deliveries keep (migration 0026): a few rows, however many recipients it has.
#define DH_SQL_DISPATCH_COUNTS(id)                                                                          \
    "(SELECT coalesce(jsonb_object_agg(x.status, x.n), '{}') FROM (SELECT c.status, sum(c.n)::bigint AS n " \
    "FROM dispatch_status_counts c WHERE c.dispatch_id = " id " GROUP BY c.status HAVING sum(c.n) <> 0) x)"
