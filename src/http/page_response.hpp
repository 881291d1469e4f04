#pragma once
#include <nlohmann/json.hpp>
#include <vector>

#include "http/message.hpp"
#include "http/pagination.hpp"

namespace dh::http {

/// `{"items": [...], "next_cursor"}` for rows in keyset order (created_at, id): a full page gets
/// the cursor of its last row, a short one null.
template <class T, class ToJson>
Response keyset_page(const std::vector<T>& rows, int limit, ToJson to_json) {
    auto items = nlohmann::json::array();
    for (auto& r : rows) items.push_back(to_json(r));
    nlohmann::json next = nullptr;
    if (!rows.empty() && static_cast<int>(rows.size()) == limit)
        next = Page::cursor(rows.back().created_at, rows.back().id);
    return Response::json({{"items", items}, {"next_cursor", next}});
}

}  // namespace dh::http
