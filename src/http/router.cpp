#include "http/router.hpp"

#include <stdexcept>

namespace dh::http {
namespace {

/// The non-empty segments of a path ("//" and a trailing "/" add none), as views into it.
std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        if (end > start) out.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

bool is_param(std::string_view seg) {
    return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

void Router::add(Route route) {
    for (auto& r : routes_)
        if (r.method == route.method && r.pattern == route.pattern)
            throw std::logic_error("route registered twice: " + route.method + " " + route.pattern);
    std::vector<Segment> pattern;
    for (auto seg : segments(route.pattern))
        pattern.push_back(is_param(seg) ? Segment{std::string(seg.substr(1, seg.size() - 2)), true}
                                        : Segment{std::string(seg), false});
    routes_.push_back(std::move(route));
    patterns_.push_back(std::move(pattern));
}

// Patterns are split once, in add(): a request splits only its own path, and builds the parameters
// of a route only when the route matches.
int Router::literal_score(const std::vector<Segment>& pattern, const std::vector<std::string_view>& path) {
    if (pattern.size() != path.size()) return -1;
    int literals = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i].param) continue;
        if (pattern[i].text != path[i]) return -1;
        ++literals;
    }
    return literals;
}

Match Router::match(const std::string& method, const std::string& path) const {
    const auto path_segs = segments(path);
    Match best;
    std::size_t best_index = routes_.size();
    int best_score = -1;
    int best_path_score = -1;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        const int score = literal_score(patterns_[i], path_segs);  // more literal segments = more specific
        if (score < 0) continue;
        const Route& r = routes_[i];
        if (score > best_path_score) {
            best_path_score = score;
            best.allowed.clear();
        }
        if (score == best_path_score) best.allowed.push_back(r.method);
        if (r.method == method && score > best_score) {
            best_score = score;
            best_index = i;
        }
    }
    if (best_index == routes_.size() || best_score < best_path_score) {
        // None for this method, or a more specific literal path exists for other methods: it is the
        // resource the client meant.
        return best;
    }
    best.route = &routes_[best_index];
    best.allowed.clear();
    const auto& pattern = patterns_[best_index];
    for (std::size_t i = 0; i < pattern.size(); ++i)
        if (pattern[i].param) best.params[pattern[i].text] = std::string(path_segs[i]);
    return best;
}

}  // namespace dh::http
