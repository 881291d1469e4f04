#include "aws/http_client.hpp"

#include <curl/curl.h>

#include <stdexcept>

#include "common/strings.hpp"

namespace dh::aws {
namespace {

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    std::string line(data, size * count);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
        auto& headers = *static_cast<std::map<std::string, std::string>*>(user);
        headers[strings::to_lower(strings::trim(line.substr(0, colon)))] = strings::trim(line.substr(colon + 1));
    }
    return size * count;
}

}  // namespace

Url Url::parse(const std::string& url) {
    Url u;
    auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) throw std::invalid_argument("not an http(s) URL");
    u.scheme = strings::to_lower(url.substr(0, scheme_end));
    if (u.scheme != "http" && u.scheme != "https") throw std::invalid_argument("not an http(s) URL");
    auto rest = url.substr(scheme_end + 3);
    auto path_start = rest.find_first_of("/?");
    u.host = strings::to_lower(rest.substr(0, path_start));
    if (u.host.empty() || u.host.find('@') != std::string::npos) throw std::invalid_argument("URL without a host");
    auto tail = path_start == std::string::npos ? std::string() : rest.substr(path_start);
    auto q = tail.find('?');
    u.path = tail.substr(0, q);
    if (q != std::string::npos) u.query = tail.substr(q + 1);
    if (u.path.empty()) u.path = "/";
    return u;
}

std::string HttpResponse::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient() : curl_(curl_easy_init()) {
    if (!curl_) throw std::runtime_error("libcurl: cannot create a handle");
}

HttpClient::~HttpClient() {
    curl_easy_cleanup(static_cast<CURL*>(curl_));
}

HttpResponse HttpClient::send(const std::string& method, const std::string& url, const std::vector<Header>& headers,
                              const std::string& body, std::chrono::milliseconds timeout) {
    CURL* curl = static_cast<CURL*>(curl_);
    curl_easy_reset(curl);  // keeps the connection cache, drops the previous call's options
    HttpResponse response;
    curl_slist* list = nullptr;
    for (auto& h : headers) list = curl_slist_append(list, (h.name + ": " + h.value).c_str());
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip for large bodies
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "GET") curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    if (!body.empty() || method == "POST" || method == "PUT") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<long>(timeout.count(), 3000)));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
        response.transport_error = curl_easy_strerror(rc);
        response.status = 0;
        return response;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

}  // namespace dh::aws
