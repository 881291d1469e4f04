#include "http/message.hpp"

#include "common/bounded_json.hpp"
#include "common/error.hpp"

namespace dh::http {

std::string_view Request::header(std::string_view lower_name) const {
    for (auto& [k, v] : headers)
        if (k == lower_name) return v;
    return {};
}

std::optional<std::string> Request::query_param(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
}

const std::string& Request::param(const std::string& name) const {
    auto it = params.find(name);
    if (it == params.end()) throw Error(ErrorKind::internal, "internal", "Internal error.", "no path param " + name);
    return it->second;
}

nlohmann::json Request::json() const {
    if (body.empty()) throw Error::bad_request("malformed_json", "The request body must be a JSON object.");
    auto j = dh::json::parse_request(body);  // depth and string sizes bounded while parsing
    if (!j.is_object()) throw Error::bad_request("malformed_json", "The request body must be a JSON object.");
    return j;
}

const auth::Principal& Request::caller() const {
    if (!principal) throw Error::unauthenticated();
    return *principal;
}

const std::string& Request::tenant_id() const {
    auto& p = caller();
    if (!p.tenant_id) throw Error::forbidden("This action belongs to a tenant user.");
    return *p.tenant_id;
}

Response Response::json(const nlohmann::json& body, int status) {
    Response r;
    r.status = status;
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

Response Response::no_content() {
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
}

Response& Response::header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
}

std::string url_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out.push_back(' ');
        } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

std::map<std::string, std::string> parse_query(std::string_view qs) {
    std::map<std::string, std::string> out;
    while (!qs.empty()) {
        auto amp = qs.find('&');
        auto pair = qs.substr(0, amp);
        auto eq = pair.find('=');
        if (!pair.empty()) {
            if (eq == std::string_view::npos)
                out[url_decode(pair)] = "";
            else
                out[url_decode(pair.substr(0, eq))] = url_decode(pair.substr(eq + 1));
        }
        if (amp == std::string_view::npos) break;
        qs.remove_prefix(amp + 1);
    }
    return out;
}

}  // namespace dh::http
