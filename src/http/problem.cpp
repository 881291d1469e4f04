#include "http/problem.hpp"

#include <nlohmann/json.hpp>

namespace dh::http {
namespace {

nlohmann::json to_json(const Error::Value& v) {
    return std::visit([](auto&& x) { return nlohmann::json(x); }, v);
}

}  // namespace

Response problem(const Error& error, const std::string& request_id) {
    int status = http_status(error.kind());
    nlohmann::json body = {
        {"type", "https://dispatchhub.dev/problems/" + error.code()},
        {"title", http_title(error.kind())},
        {"status", status},
        {"detail", error.message()},
        {"code", error.code()},
        {"request_id", request_id},
    };
    for (auto& [k, v] : error.extensions()) body[k] = to_json(v);
    if (!error.items().empty()) {
        auto arr = nlohmann::json::array();
        for (auto& item : error.items()) {
            nlohmann::json o = nlohmann::json::object();
            for (auto& [k, v] : item) o[k] = to_json(v);
            arr.push_back(o);
        }
        body["errors"] = arr;
    }
    Response r = Response::json(body, status);
    r.content_type = "application/problem+json";
    // RFC 9110 §11.6.1: a 401 names the scheme the client should authenticate with.
    if (status == 401) r.header("WWW-Authenticate", "Bearer realm=\"dispatchhub\"");
    if (auto it = error.extensions().find("retry_after"); it != error.extensions().end())
        if (auto* seconds = std::get_if<std::int64_t>(&it->second)) r.header("Retry-After", std::to_string(*seconds));
    return r;
}

}  // namespace dh::http
