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

/// The cursor after rows in keyset order (key(row), row.id): a full page gets the cursor of its last
/// row, a short one none.
template <class T, class Key>
std::optional<std::string> next_cursor(const std::vector<T>& rows, int limit, Key key) {
    if (rows.empty() || static_cast<int>(rows.size()) != limit) return std::nullopt;
    return Page::cursor(key(rows.back()), rows.back().id);
}

/// The envelope of rows in keyset order, with next_cursor().
template <class T, class Key, class ToJson>
nlohmann::json keyset_json(const std::vector<T>& rows, int limit, Key key, ToJson to_json) {
    auto items = nlohmann::json::array();
    items.get_ref<nlohmann::json::array_t&>().reserve(rows.size());
    for (auto& r : rows) items.push_back(to_json(r));
    return page_json(std::move(items), next_cursor(rows, limit, key));
}

/// A JSON answer written straight into its body (JsonWriter) by `write(writer)`, for the hot reads.
template <class Write>
Response written(Write write, int status = 200) {
    Response response;
    response.status = status;
    JsonWriter out(response.body);
    write(out);
    return response;
}

/// The list envelope, written: `write(writer, item)` writes one item.
template <class T, class Write>
Response page_written(const std::vector<T>& items, const std::optional<std::string>& next_cursor, Write write) {
    return written([&](JsonWriter& out) {
        out.begin_object().key("items").begin_array();
        for (auto& item : items) write(out, item);
        out.end_array().key("next_cursor").string(next_cursor).end_object();
    });
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
