#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace dh::http {

/// Who may call a route. Deny by default: every route must say.
enum class Access {
    public_,        ///< anyone, no credentials
    authenticated,  ///< any signed-in user or API key
    tenant_member,  ///< a tenant user or API key (member or admin)
    tenant_admin,   ///< a tenant admin (user or admin API key)
    super_admin,    ///< a platform operator
};

using Handler = std::function<Response(Request&)>;

struct Route {
    std::string method;   ///< GET, POST, PATCH, PUT, DELETE
    std::string pattern;  ///< e.g. /api/v1/vendors/{id}
    Access access;
    Handler handler;
    std::size_t max_body = 0;  ///< 0: the server default (HTTP_MAX_BODY_BYTES)
    bool spool_body = false;   ///< large uploads: body goes to a temp file (Request::body_file)
};

struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed;  ///< methods of the path when the method did not match (405)
};

/// Routes by method and path with {param} segments. Literal segments win over parameters.
class Router {
public:
    void add(Route route);
    Match match(const std::string& method, const std::string& path) const;
    const std::vector<Route>& routes() const { return routes_; }

private:
    /// One segment of a route's pattern: a literal, or the name of a {param}.
    struct Segment {
        std::string text;
        bool param = false;
    };
    /// The literal segments of `pattern` when it matches `path`, or -1.
    static int literal_score(const std::vector<Segment>& pattern, const std::vector<std::string_view>& path);

    std::vector<Route> routes_;
    std::vector<std::vector<Segment>> patterns_;  ///< routes_[i]'s pattern, split once when added
};

}  // namespace dh::http
