#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace dh::http {

/// The Content-Security-Policy of the web UI's HTML answers (see static_files.cpp for each part).
extern const char* const kWebContentSecurityPolicy;

/// Whether an Accept-Encoding header value allows `coding` (e.g. "gzip", "br"): named with q > 0,
/// or covered by "*" with q > 0 and not named with q=0. Case-insensitive, as RFC 9110 says.
bool accepts_encoding(std::string_view accept_encoding, std::string_view coding);

/// Serves the built single-page app: real files by path, index.html for client-side routes.
/// A file with a precompressed sibling (`name.br`, `name.gz`, written by `npm run build`) is sent
/// as that sibling with Content-Encoding when the client accepts it (brotli first), and every such
/// answer carries `Vary: Accept-Encoding`. HTML answers carry the security headers (CSP,
/// X-Frame-Options, Referrer-Policy).
class StaticFiles {
public:
    explicit StaticFiles(std::string root);
    /// A response for GET `path`, or nullopt when there is no web build at all.
    std::optional<Response> serve(const std::string& path, std::string_view accept_encoding = {}) const;
    const std::string& root() const { return root_; }

    /// First existing directory of: WEB_ROOT, ./web/dist, <binary dir>/../web/dist, /usr/share/dispatchhub/web.
    static std::string locate(const std::string& configured);

private:
    std::string root_;
};

}  // namespace dh::http
