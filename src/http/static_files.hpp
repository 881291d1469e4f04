#pragma once
#include <optional>
#include <string>

#include "http/message.hpp"

namespace dh::http {

/// Serves the built single-page app: real files by path, index.html for client-side routes.
class StaticFiles {
public:
    explicit StaticFiles(std::string root);
    /// A response for GET `path`, or nullopt when there is no web build at all.
    std::optional<Response> serve(const std::string& path) const;
    const std::string& root() const { return root_; }

    /// First existing directory of: WEB_ROOT, ./web/dist, <binary dir>/../web/dist, /usr/share/dispatchhub/web.
    static std::string locate(const std::string& configured);

private:
    std::string root_;
};

}  // namespace dh::http
