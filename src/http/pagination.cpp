#include "http/pagination.hpp"

#include <algorithm>
#include <cctype>

#include "common/cursor.hpp"
#include "common/error.hpp"
#include "http/message.hpp"

namespace dh::http {

int page_limit(const Request& request) {
    auto text = request.query_param("limit");
    if (!text) return 50;
    bool digits = !text->empty() && text->size() <= 3 &&
                  std::all_of(text->begin(), text->end(), [](unsigned char c) { return std::isdigit(c); });
    int n = digits ? std::stoi(*text) : 0;
    if (n < 1 || n > 200) throw Error::invalid_field("limit", "must be from 1 to 200");
    return n;
}

Page Page::from(const Request& request) {
    Page page;
    page.limit = page_limit(request);
    if (auto c = request.query_param("cursor"); c && !c->empty()) {
        auto [key, id] = cursor::decode_keyset(*c);
        page.after_key = std::move(key);
        page.after_id = std::move(id);
    }
    return page;
}

std::string Page::cursor(const std::string& key, const std::string& id) {
    return cursor::encode({key, id});
}

}  // namespace dh::http
