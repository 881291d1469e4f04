#include "http/json_fields.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/strings.hpp"

namespace dh::http {

JsonFields::JsonFields(const nlohmann::json& object, std::string prefix)
    : object_(object), prefix_(std::move(prefix)) {}

bool JsonFields::has(const std::string& key) const {
    return object_.contains(key) && !object_[key].is_null();
}

std::optional<std::string> JsonFields::opt_text(const std::string& key, std::size_t max_len) const {
    if (!has(key)) return std::nullopt;
    auto& v = object_[key];
    if (!v.is_string()) throw Error::invalid_field(name(key), "must be a string");
    auto s = v.get<std::string>();
    if (s.size() > max_len)
        throw Error::invalid_field(name(key), "must be at most " + std::to_string(max_len) + " bytes");
    if (!strings::is_valid_utf8(s)) throw Error::invalid_field(name(key), "must be valid UTF-8");
    if (s.find('\0') != std::string::npos) throw Error::invalid_field(name(key), "must not contain NUL");
    return s;
}

std::string JsonFields::text(const std::string& key, std::size_t max_len) const {
    auto v = opt_text(key, max_len);
    if (!v || strings::trim(*v).empty()) throw Error::invalid_field(name(key), "is required");
    return *v;
}

std::optional<bool> JsonFields::opt_bool(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    if (!object_[key].is_boolean()) throw Error::invalid_field(name(key), "must be true or false");
    return object_[key].get<bool>();
}

std::optional<std::int64_t> JsonFields::opt_int(const std::string& key, std::int64_t min, std::int64_t max) const {
    if (!has(key)) return std::nullopt;
    auto& v = object_[key];
    if (!v.is_number_integer()) throw Error::invalid_field(name(key), "must be an integer");
    auto n = v.get<std::int64_t>();
    if (n < min || n > max)
        throw Error::invalid_field(name(key), "must be from " + std::to_string(min) + " to " + std::to_string(max));
    return n;
}

void JsonFields::only(std::initializer_list<const char*> allowed) const {
    only(std::span<const char* const>(allowed.begin(), allowed.size()));
}

void JsonFields::only(std::span<const char* const> allowed) const {
    for (auto& item : object_.items()) {
        const std::string& k = item.key();  // not a structured binding: clang 14 cannot capture one
        if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; }))
            throw Error(ErrorKind::unprocessable, "unknown_field", name(k) + ": is not a field you can set here.")
                .with("field", name(k));
    }
}

}  // namespace dh::http
