#pragma once
#include <optional>
#include <string>

namespace dh::http {

struct Request;

/// `limit` of a list request: default 50, 1–200, else 422 on `limit`.
int page_limit(const Request& request);

/// Keyset pagination: `limit` and an opaque `cursor` naming the last row seen by its (sort key,
/// id). Stable under inserts, no OFFSET scans. The cursor is common/cursor's, as on every list.
struct Page {
    int limit = 50;
    std::optional<std::string> after_key;  ///< the sort key of the last row (e.g. a timestamp, a name)
    std::optional<std::string> after_id;

    static Page from(const Request& request);
    /// The cursor for a page whose last row has `key` and `id`.
    static std::string cursor(const std::string& key, const std::string& id);
};

}  // namespace dh::http
