#pragma once
#include <optional>
#include <string>

namespace dh::http {

struct Request;

/// Keyset pagination: `limit` (1–200, default 50) and an opaque `cursor` naming the last row seen
/// by its (sort key, id). Stable under inserts, no OFFSET scans.
struct Page {
    int limit = 50;
    std::optional<std::string> after_key;  ///< the sort key of the last row (e.g. a timestamp, a name)
    std::optional<std::string> after_id;

    static Page from(const Request& request);
    /// The cursor for a page whose last row has `key` and `id`.
    static std::string cursor(const std::string& key, const std::string& id);
};

}  // namespace dh::http
