#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "http/json_writer.hpp"
#include "http/message.hpp"
#include "http/pagination.hpp"

namespace dh::http {

/// The one list envelope: `{"items": [...], "next_cursor": cursor or null}`.
inline nlohmann::json page_json(nlohmann::json items, const std::optional<std::string>& next_cursor) {
    return {{"items", std::move(items)}, {"next_cursor", next_cursor ? nlohmann::json(*next_cursor) : nullptr}};
}

/// The envelope of rows in keyset order (key(row), row.id): a full page gets the cursor of its last
/// row, a short one null.
template <class T, class Key>
std::optional<std::string> next_cursor(const std::vector<T>& rows, int limit, Key key) {
    if (rows.empty() || static_cast<int>(rows.size()) != limit) return std::nullopt;
    return Page::cursor(key(rows.back()), rows.back().id);
}

template <class T, class Key, class ToJson>
nlohmann::json keyset_json(const std::vector<T>& rows, int limit, Key key, ToJson to_json) {
    auto items = nlohmann::json::array();
    items.get_ref<nlohmann::json::array_t&>().reserve(rows.size());
    for (auto& r : rows) items.push_back(to_json(r));
    return page_json(std::move(items), next_cursor(rows, limit, key));
}

/// The same envelope written straight into the response (JsonWriter), for hot lists:
/// `write(writer, item)` writes one item.
template <class T, class Write>
Response page_written(const std::vector<T>& items, const std::optional<std::string>& next_cursor, Write write) {
    Response response;
    response.body.reserve(64 + items.size() * 768);
    JsonWriter out(response.body);
    out.begin_object().key("items").begin_array();
    for (auto& item : items) write(out, item);
    out.end_array().key("next_cursor").string(next_cursor).end_object();
    return response;
}

/// keyset_json's page, written (page_written).
template <class T, class Key, class Write>
Response keyset_written(const std::vector<T>& rows, int limit, Key key, Write write) {
    return page_written(rows, next_cursor(rows, limit, key), write);
}

/// keyset_json for rows in (created_at, id) order, as a response.
template <class T, class ToJson>
Response keyset_page(const std::vector<T>& rows, int limit, ToJson to_json) {
    return Response::json(keyset_json(
        rows, limit, [](const T& r) { return r.created_at; }, to_json));
}

}  // namespace dh::http
