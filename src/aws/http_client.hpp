#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "aws/sigv4.hpp"

namespace dh::aws {

/// The parts of an endpoint URL that signing needs.
struct Url {
    std::string scheme;  ///< "https" or "http"
    std::string host;    ///< as in the Host header: host, or host:port when the URL names a port
    std::string path;    ///< "/" when absent
    std::string query;
    std::string origin() const { return scheme + "://" + host; }
    /// Throws std::invalid_argument for anything but http(s)://host[:port][/path][?query].
    static Url parse(const std::string& url);
};

struct HttpResponse {
    long status = 0;  ///< 0 when no response arrived
    std::string body;
    std::map<std::string, std::string> headers;  ///< lower-case names
    std::string transport_error;                 ///< connection refused, timeout, TLS failure, ...
    std::string header(const std::string& lower_name) const;
};

/// A blocking HTTP client on one libcurl handle (keep-alive between calls). Not thread-safe:
/// one per thread or per call. Never enables verbose output (it would print credentials).
class HttpClient {
public:
    HttpClient();
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    HttpResponse send(const std::string& method, const std::string& url, const std::vector<Header>& headers,
                      const std::string& body, std::chrono::milliseconds timeout);

private:
    void* curl_;
};

}  // namespace dh::aws
