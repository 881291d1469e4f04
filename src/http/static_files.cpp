#include "http/static_files.hpp"

#include <unistd.h>

#include <filesystem>
#include <map>

namespace fs = std::filesystem;

namespace dh::http {
namespace {

std::string content_type_for(const fs::path& p) {
    static const std::map<std::string, std::string> types = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".json", "application/json"},
        {".svg", "image/svg+xml"},             {".png", "image/png"},
        {".ico", "image/x-icon"},              {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"}, {".map", "application/json"}};
    auto it = types.find(p.extension().string());
    return it == types.end() ? "application/octet-stream" : it->second;
}

}  // namespace

StaticFiles::StaticFiles(std::string root) : root_(std::move(root)) {}

std::string StaticFiles::locate(const std::string& configured) {
    std::vector<fs::path> candidates;
    if (!configured.empty()) candidates.emplace_back(configured);
    candidates.emplace_back("web/dist");
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        candidates.push_back(fs::path(exe).parent_path() / ".." / "web" / "dist");
    }
    candidates.emplace_back("/usr/share/dispatchhub/web");
    for (auto& c : candidates) {
        std::error_code ec;
        if (fs::exists(c / "index.html", ec)) return fs::canonical(c, ec).string();
    }
    return {};
}

std::optional<Response> StaticFiles::serve(const std::string& path) const {
    if (root_.empty()) return std::nullopt;
    fs::path rel = fs::path(path).relative_path().lexically_normal();
    std::error_code ec;
    fs::path candidate = fs::path(root_) / rel;
    // Refuse anything that escapes the root (.., symlinks out).
    auto canonical = fs::weakly_canonical(candidate, ec);
    bool inside = !ec && canonical.string().rfind(root_, 0) == 0;
    Response r;
    if (inside && !rel.empty() && fs::is_regular_file(canonical, ec)) {
        r.file_path = canonical.string();
        r.content_type = content_type_for(canonical);
        // Vite puts a content hash in asset names: they may be cached for good.
        if (rel.string().rfind("assets/", 0) == 0) r.header("Cache-Control", "public, max-age=31536000, immutable");
        return r;
    }
    if (rel.has_extension() && rel.extension() != ".html") return std::nullopt;  // a missing asset is a 404
    r.file_path = root_ + "/index.html";
    r.content_type = "text/html; charset=utf-8";
    r.header("Cache-Control", "no-cache");
    return r;
}

}  // namespace dh::http
