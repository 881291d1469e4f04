#include "http/static_files.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "common/strings.hpp"

namespace fs = std::filesystem;

namespace dh::http {

// What the built app needs and nothing more. Scripts only from our own files (Vite emits no
// inline script), so an injected <script> or event handler does not run. Inline styles are
// allowed: the sandboxed mail preview (an iframe srcdoc) and the printable invoice (a blob URL)
// inherit this policy, and both carry their own inline styles; styles cannot run code. data:
// images are those a rendered mail may hold in the preview. No page may frame the app
// (clickjacking), and forms and <base> stay on our origin.
const char* const kWebContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'";

namespace {

std::string content_type_for(const fs::path& p) {
    static const std::map<std::string, std::string> types = {{".html", "text/html; charset=utf-8"},
                                                             {".js", "text/javascript; charset=utf-8"},
                                                             {".css", "text/css; charset=utf-8"},
                                                             {".json", "application/json"},
                                                             {".svg", "image/svg+xml"},
                                                             {".png", "image/png"},
                                                             {".ico", "image/x-icon"},
                                                             {".woff2", "font/woff2"},
                                                             {".txt", "text/plain; charset=utf-8"},
                                                             {".map", "application/json"}};
    auto it = types.find(p.extension().string());
    return it == types.end() ? "application/octet-stream" : it->second;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// The q value of one Accept-Encoding item's parameters ("q=0.5"); 1 when absent, 0 when unreadable.
double quality(std::string_view params) {
    while (!params.empty()) {
        auto semi = params.find(';');
        auto param = trim(params.substr(0, semi));
        params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
        if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;
        std::string value(trim(param.substr(2)));
        char* end = nullptr;
        double q = std::strtod(value.c_str(), &end);
        return end == value.c_str() + value.size() && q >= 0 && q <= 1 ? q : 0;
    }
    return 1;
}

/// Adds the headers every HTML answer of the app carries.
void add_document_headers(Response& r) {
    r.header("Content-Security-Policy", kWebContentSecurityPolicy);
    r.header("X-Frame-Options", "DENY");  // for browsers without frame-ancestors
    r.header("Referrer-Policy", "same-origin");
}

/// Sends `file` as is, or a precompressed sibling the client accepts.
void choose_encoding(Response& r, const fs::path& file, std::string_view accept_encoding) {
    static const std::pair<const char*, const char*> kVariants[] = {{"br", ".br"}, {"gzip", ".gz"}};
    bool has_variant = false;
    for (auto [coding, suffix] : kVariants) {
        std::error_code ec;
        fs::path variant = file.string() + suffix;
        if (!fs::is_regular_file(variant, ec)) continue;
        has_variant = true;
        if (!accepts_encoding(accept_encoding, coding)) continue;
        r.file_path = variant.string();
        r.header("Content-Encoding", coding);
        break;
    }
    // Caches must keep the encodings apart, also when this client got the plain file.
    if (has_variant) r.header("Vary", "Accept-Encoding");
}

}  // namespace

bool accepts_encoding(std::string_view header, std::string_view coding) {
    auto wanted = strings::to_lower(coding);
    std::optional<double> named, any;
    while (!header.empty()) {
        auto comma = header.find(',');
        auto item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        auto semi = item.find(';');
        auto name = strings::to_lower(trim(item.substr(0, semi)));
        double q = semi == std::string_view::npos ? 1.0 : quality(item.substr(semi + 1));
        if (name == wanted)
            named = q;
        else if (name == "*")
            any = q;
    }
    if (named) return *named > 0;
    return any && *any > 0;
}

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

std::optional<Response> StaticFiles::serve(const std::string& path, std::string_view accept_encoding) const {
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
        if (canonical.extension() == ".html") add_document_headers(r);
        choose_encoding(r, canonical, accept_encoding);
        return r;
    }
    if (rel.has_extension() && rel.extension() != ".html") return std::nullopt;  // a missing asset is a 404
    r.file_path = root_ + "/index.html";
    r.content_type = "text/html; charset=utf-8";
    r.header("Cache-Control", "no-cache");
    add_document_headers(r);
    choose_encoding(r, r.file_path, accept_encoding);
    return r;
}

}  // namespace dh::http
