#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"
#include "http/pagination.hpp"

namespace dh::http {

/// The one list envelope: `{"items": [...], "next_cursor": cursor or null}`.
inline nlohmann::json page_json(nlohmann::json items, const std::optional<std::string>& next_cursor) {
    return {{"items", std::move(items)}, {"next_cursor", next_cursor ? nlohmann::json(*next_cursor) : nullptr}};
}

/// The envelope of rows in keyset order (key(row), row.id): a full page gets the cursor of its last
/// row, a short one null.
template <class T, class Key, class ToJson>
nlohmann::json keyset_json(const std::vector<T>& rows, int limit, Key key, ToJson to_json) {
    auto items = nlohmann::json::array();
    items.get_ref<nlohmann::json::array_t&>().reserve(rows.size());
    for (auto& r : rows) items.push_back(to_json(r));
    std::optional<std::string> next;
    if (!rows.empty() && static_cast<int>(rows.size()) == limit) next = Page::cursor(key(rows.back()), rows.back().id);
    return page_json(std::move(items), next);
}

/// keyset_json for rows in (created_at, id) order, as a response.
template <class T, class ToJson>
Response keyset_page(const std::vector<T>& rows, int limit, ToJson to_json) {
    return Response::json(keyset_json(
        rows, limit, [](const T& r) { return r.created_at; }, to_json));
}

}  // namespace dh::http
