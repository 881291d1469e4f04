#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace dh::test {

/// A free TCP port on 127.0.0.1 (bound to 0 and released).
int free_port();

struct HttpResponse {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  ///< lower-cased names
    nlohmann::json json() const;
    std::string header(const std::string& name) const;
};

/// A small blocking HTTP client (libcurl) for tests: real sockets, no mocks.
class HttpClient {
public:
    explicit HttpClient(std::string base) : base_(std::move(base)) {}
    HttpResponse request(const std::string& method, const std::string& path, const std::string& body = {},
                         const std::map<std::string, std::string>& headers = {}) const;
    HttpResponse get(const std::string& path) const { return request("GET", path); }
    HttpResponse post(const std::string& path, const nlohmann::json& body) const;
    HttpResponse patch(const std::string& path, const nlohmann::json& body) const;
    HttpResponse del(const std::string& path) const { return request("DELETE", path); }
    void set_token(std::string token) { token_ = std::move(token); }
    const std::string& token() const { return token_; }
    const std::string& base() const { return base_; }

private:
    std::string base_;
    std::string token_;
};

}  // namespace dh::test
