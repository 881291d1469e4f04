#include "webhooks/webhook_transport.hpp"

#include <curl/curl.h>
#include <sys/socket.h>

#include <memory>

namespace dh::webhooks {
namespace {

/// What the socket callback needs: the rules, and whether it refused an address.
struct SocketGuard {
    const TargetRules* rules;
    std::string refused;
};

/// Every socket libcurl opens passes here first: the last word on where a request may go.
curl_socket_t open_checked_socket(void* user, curlsocktype, curl_sockaddr* address) {
    auto* guard = static_cast<SocketGuard*>(user);
    auto numeric = numeric_address(&address->addr);
    auto kind = numeric.empty() ? std::string("not an address") : address_class(numeric);
    if (!allowed_class(kind, *guard->rules)) {
        guard->refused = numeric + " is not a public address (" + kind + ")";
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

std::size_t discard_body(char*, std::size_t size, std::size_t count, void*) {
    return size * count;
}

/// "host:port:addr1,addr2" for CURLOPT_RESOLVE; IPv6 addresses in brackets.
std::string pinned(const Target& t, const std::vector<std::string>& addresses) {
    std::string host = t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host;
    std::string entry = host + ":" + std::to_string(t.port) + ":";
    for (std::size_t i = 0; i < addresses.size(); ++i) {
        auto& a = addresses[i];
        entry += (i ? "," : "") + (a.find(':') != std::string::npos ? "[" + a + "]" : a);
    }
    return entry;
}

std::string transport_error(CURLcode rc, const SocketGuard& guard, long timeout_ms) {
    if (!guard.refused.empty()) return "refused: " + guard.refused;
    if (rc == CURLE_OPERATION_TIMEDOUT) return "no answer within " + std::to_string(timeout_ms / 1000) + " s";
    return std::string("could not deliver: ") + curl_easy_strerror(rc);
}

}  // namespace

PostOutcome WebhookTransport::post(const std::string& url,
                                   const std::vector<std::pair<std::string, std::string>>& headers,
                                   const std::string& body) const {
    auto parsed = parse_target(url, rules_);
    if (!parsed.target) return {0, "refused: the URL " + parsed.refused};
    auto resolved = resolve_target(*parsed.target, rules_);
    if (!resolved.refused.empty()) return {0, "refused: " + resolved.refused};

    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return {0, "could not deliver: libcurl has no handle"};
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> resolve(
        curl_slist_append(nullptr, pinned(*parsed.target, resolved.addresses).c_str()), curl_slist_free_all);
    curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
    for (auto& [name, value] : headers) list = curl_slist_append(list, (name + ": " + value).c_str());
    list = curl_slist_append(list, "Expect:");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(list, curl_slist_free_all);
    SocketGuard guard{&rules_, {}};
    auto* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_RESOLVE, resolve.get());
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_checked_socket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &guard);
    curl_easy_setopt(h, CURLOPT_PROXY, "");  // never through a proxy named by the environment
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, rules_.allow_http ? "http,https" : "https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<long>(timeout_.count(), 5000)));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
    curl_easy_setopt(h, CURLOPT_USERAGENT, "DispatchHub-Webhooks/" DH_VERSION);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard_body);
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) return {0, transport_error(rc, guard, static_cast<long>(timeout_.count()))};
    PostOutcome out;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out.status);
    if (!out.delivered()) out.error = "the endpoint answered HTTP " + std::to_string(out.status);
    return out;
}

}  // namespace dh::webhooks
