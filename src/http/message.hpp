#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/principal.hpp"

namespace dh::http {

/// An HTTP request as handlers see it: no Beast types, so feature code compiles fast.
struct Request {
    std::string method;
    std::string path;  ///< decoded path without the query string
    std::string query_string;
    std::vector<std::pair<std::string, std::string>> headers;  ///< names lower-cased
    std::map<std::string, std::string> params;                 ///< path parameters
    std::map<std::string, std::string> query;                  ///< decoded query parameters (last one wins)
    std::string body;
    std::string body_file;  ///< set instead of body for routes that spool large bodies to disk
    std::string request_id;
    std::string client_ip;
    std::optional<auth::Principal> principal;

    std::string_view header(std::string_view lower_name) const;
    std::optional<std::string> query_param(const std::string& name) const;
    const std::string& param(const std::string& name) const;
    /// The body parsed as a JSON object; Error(bad_request) when malformed or not an object.
    nlohmann::json json() const;
    /// The caller; Error(unauthenticated) when none (never the case on protected routes).
    const auth::Principal& caller() const;
    /// The caller's tenant; Error(forbidden) for callers without one (super admins).
    const std::string& tenant_id() const;
};

/// An HTTP response. Either `body` or `file_path` (sent from disk, e.g. exports and static files).
struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string file_path;
    bool remove_file_after = false;

    static Response json(const nlohmann::json& body, int status = 200);
    static Response created(const nlohmann::json& body) { return json(body, 201); }
    static Response no_content();
    Response& header(std::string name, std::string value);
};

/// Parses "a=1&b=x%20y" into a map (form/URL decoding).
std::map<std::string, std::string> parse_query(std::string_view qs);
std::string url_decode(std::string_view s);

}  // namespace dh::http
