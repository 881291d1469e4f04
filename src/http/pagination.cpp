#include "http/pagination.hpp"

#include <sodium.h>

#include <cstring>

#include "common/error.hpp"
#include "common/strings.hpp"
#include "http/message.hpp"

namespace dh::http {

Page Page::from(const Request& request) {
    Page page;
    if (auto l = request.query_param("limit")) {
        char* end = nullptr;
        long n = std::strtol(l->c_str(), &end, 10);
        if (l->empty() || *end != '\0' || n < 1 || n > 200)
            throw Error::invalid_field("limit", "must be from 1 to 200");
        page.limit = static_cast<int>(n);
    }
    if (auto c = request.query_param("cursor"); c && !c->empty()) {
        std::string raw(c->size(), '\0');
        size_t len = 0;
        if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), c->data(), c->size(), nullptr,
                              &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
            throw Error::invalid_field("cursor", "is not a cursor this API issued");
        raw.resize(len);
        auto sep = raw.rfind('|');
        if (sep == std::string::npos || !strings::is_uuid(raw.substr(sep + 1)) || !strings::is_valid_utf8(raw))
            throw Error::invalid_field("cursor", "is not a cursor this API issued");
        page.after_key = raw.substr(0, sep);
        page.after_id = raw.substr(sep + 1);
    }
    return page;
}

std::string Page::cursor(const std::string& key, const std::string& id) {
    std::string raw = key + "|" + id;
    std::string out(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out.resize(std::strlen(out.c_str()));
    return out;
}

}  // namespace dh::http
