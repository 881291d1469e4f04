#include "http/router.hpp"

#include <stdexcept>

#include "common/strings.hpp"

namespace dh::http {
namespace {

std::vector<std::string> segments(const std::string& path) {
    auto parts = strings::split(path, '/');
    std::vector<std::string> out;
    for (auto& p : parts)
        if (!p.empty()) out.push_back(p);
    return out;
}

bool is_param(const std::string& seg) {
    return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

/// Matches and scores: more literal segments = more specific.
bool match_pattern(const std::vector<std::string>& pat, const std::vector<std::string>& path,
                   std::map<std::string, std::string>& params, int& literal_count) {
    if (pat.size() != path.size()) return false;
    literal_count = 0;
    for (std::size_t i = 0; i < pat.size(); ++i) {
        if (is_param(pat[i])) {
            params[pat[i].substr(1, pat[i].size() - 2)] = path[i];
        } else if (pat[i] == path[i]) {
            ++literal_count;
        } else {
            return false;
        }
    }
    return true;
}

}  // namespace

void Router::add(Route route) {
    for (auto& r : routes_)
        if (r.method == route.method && r.pattern == route.pattern)
            throw std::logic_error("route registered twice: " + route.method + " " + route.pattern);
    routes_.push_back(std::move(route));
}

Match Router::match(const std::string& method, const std::string& path) const {
    auto path_segs = segments(path);
    Match best;
    int best_score = -1;
    int best_path_score = -1;
    for (auto& r : routes_) {
        std::map<std::string, std::string> params;
        int score = 0;
        if (!match_pattern(segments(r.pattern), path_segs, params, score)) continue;
        if (score > best_path_score) {
            best_path_score = score;
            best.allowed.clear();
        }
        if (score == best_path_score) best.allowed.push_back(r.method);
        if (r.method == method && score > best_score) {
            best_score = score;
            best.route = &r;
            best.params = std::move(params);
        }
    }
    if (best.route && best_score < best_path_score) {
        // A more specific literal path exists for other methods; it is the resource the client meant.
        best.route = nullptr;
        best.params.clear();
    }
    if (best.route) best.allowed.clear();
    return best;
}

}  // namespace dh::http
