#include "domains/dns_lookup.hpp"

#include <ares.h>
#include <arpa/nameser.h>
#include <poll.h>

#include <cctype>
#include <mutex>
#include <stdexcept>

namespace dh::domains {
namespace {

void init_library_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
            throw std::runtime_error("c-ares: library init failed");
    });
}

/// One channel per call: c-ares channels are not shared between threads.
class Channel {
public:
    explicit Channel(const DnsResolver::Options& o) {
        ares_options opts{};
        opts.timeout = static_cast<int>(o.timeout.count());
        opts.tries = o.tries;
        int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
        if (int rc = ares_init_options(&channel_, &opts, mask); rc != ARES_SUCCESS)
            throw std::runtime_error(std::string("c-ares: ") + ares_strerror(rc));
        if (o.server) {
            if (int rc = ares_set_servers_ports_csv(channel_, o.server->c_str()); rc != ARES_SUCCESS) {
                ares_destroy(channel_);
                throw std::runtime_error("c-ares: DNS_RESOLVER: " + std::string(ares_strerror(rc)));
            }
        }
    }
    ~Channel() { ares_destroy(channel_); }
    Channel(const Channel&) = delete;
    Channel& operator=(const Channel&) = delete;
    ares_channel get() { return channel_; }

    /// Runs the channel until every query has called back.
    void run() {
        for (;;) {
            ares_socket_t socks[ARES_GETSOCK_MAXNUM];
            int bits = ares_getsock(channel_, socks, ARES_GETSOCK_MAXNUM);
            std::vector<pollfd> fds;
            for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
                short events = 0;
                if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
                if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
                if (events) fds.push_back({socks[i], events, 0});
            }
            if (fds.empty()) return;
            timeval tv{};
            ares_timeout(channel_, nullptr, &tv);
            int ms = static_cast<int>(tv.tv_sec * 1000 + tv.tv_usec / 1000);
            int n = poll(fds.data(), fds.size(), ms);
            if (n <= 0) {
                ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts
                continue;
            }
            for (auto& p : fds) {
                ares_socket_t r = (p.revents & (POLLIN | POLLERR | POLLHUP)) ? p.fd : ARES_SOCKET_BAD;
                ares_socket_t w = (p.revents & POLLOUT) ? p.fd : ARES_SOCKET_BAD;
                if (r != ARES_SOCKET_BAD || w != ARES_SOCKET_BAD) ares_process_fd(channel_, r, w);
            }
        }
    }

private:
    ares_channel channel_ = nullptr;
};

std::vector<std::string> txt_values(const unsigned char* answer, int length) {
    std::vector<std::string> out;
    ares_txt_ext* reply = nullptr;
    if (ares_parse_txt_reply_ext(answer, length, &reply) != ARES_SUCCESS) return out;
    for (auto* r = reply; r; r = r->next) {
        std::string part(reinterpret_cast<const char*>(r->txt), r->length);
        if (r->record_start || out.empty())
            out.push_back(std::move(part));
        else
            out.back() += part;  // the next character-string of the same record
    }
    ares_free_data(reply);
    return out;
}

/// The CNAME targets in the answer section of a DNS message (RFC 1035 4.1), read with c-ares' name
/// expansion: c-ares has no CNAME reply parser of its own.
std::vector<std::string> cname_values(const unsigned char* answer, int length) {
    std::vector<std::string> out;
    if (length < 12) return out;
    int questions = (answer[4] << 8) | answer[5], answers = (answer[6] << 8) | answer[7];
    const unsigned char* p = answer + 12;
    const unsigned char* end = answer + length;
    auto skip_name = [&]() {
        char* name = nullptr;
        long len = 0;
        if (ares_expand_name(p, answer, length, &name, &len) != ARES_SUCCESS) return false;
        ares_free_string(name);
        p += len;
        return p <= end;
    };
    for (int i = 0; i < questions; ++i)
        if (!skip_name() || (p += 4) > end) return out;
    for (int i = 0; i < answers; ++i) {
        if (!skip_name() || p + 10 > end) return out;
        int type = (p[0] << 8) | p[1], rdlength = (p[8] << 8) | p[9];
        p += 10;
        if (p + rdlength > end) return out;
        if (type == ns_t_cname) {
            char* target = nullptr;
            long len = 0;
            if (ares_expand_name(p, answer, length, &target, &len) == ARES_SUCCESS) {
                std::string t(target);
                ares_free_string(target);
                for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                while (!t.empty() && t.back() == '.') t.pop_back();
                out.push_back(std::move(t));
            }
        }
        p += rdlength;
    }
    return out;
}

struct Pending {
    TxtLookup* result;
    DnsQuery::Type type;
};

void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* answer, int length) {
    auto* pending = static_cast<Pending*>(arg);
    auto* result = pending->result;
    switch (status) {
        case ARES_SUCCESS:
            result->values =
                pending->type == DnsQuery::Type::cname ? cname_values(answer, length) : txt_values(answer, length);
            break;
        case ARES_ENODATA:
        case ARES_ENOTFOUND:
            break;  // the name has no TXT record: an answer, not a failure
        case ARES_EDESTRUCTION:
            result->error = "the lookup was cancelled";
            break;
        default:
            result->error = std::string("the DNS lookup failed: ") + ares_strerror(status);
    }
}

}  // namespace

DnsResolver::DnsResolver(Options options) : options_(std::move(options)) {
    init_library_once();
}

std::vector<TxtLookup> DnsResolver::txt(const std::vector<std::string>& names) const {
    std::vector<DnsQuery> queries;
    for (auto& n : names) queries.push_back({n, DnsQuery::Type::txt});
    return lookup(queries);
}

std::vector<TxtLookup> DnsResolver::lookup(const std::vector<DnsQuery>& queries) const {
    std::vector<TxtLookup> results(queries.size());
    std::vector<Pending> pending(queries.size());
    Channel channel(options_);
    for (std::size_t i = 0; i < queries.size(); ++i) {
        pending[i] = {&results[i], queries[i].type};
        ares_query(channel.get(), queries[i].name.c_str(), ns_c_in,
                   queries[i].type == DnsQuery::Type::cname ? ns_t_cname : ns_t_txt, on_answer, &pending[i]);
    }
    channel.run();
    return results;
}

void validate_resolver_address(const std::string& server) {
    auto colon = server.rfind(':');
    std::string host = server, port;
    if (server.starts_with('[')) {
        auto close = server.find(']');
        if (close == std::string::npos) throw std::invalid_argument("an IPv6 address needs its closing ]");
        host = server.substr(1, close - 1);
        if (close + 1 < server.size()) {
            if (server[close + 1] != ':') throw std::invalid_argument("expected host:port");
            port = server.substr(close + 2);
        }
    } else if (colon != std::string::npos) {
        host = server.substr(0, colon);
        port = server.substr(colon + 1);
    }
    if (host.empty()) throw std::invalid_argument("expected host:port");
    if (colon != std::string::npos && !server.starts_with('[') && port.empty())
        throw std::invalid_argument("the port is empty");
    for (char c : port)
        if (c < '0' || c > '9') throw std::invalid_argument("the port must be a number");
    if (!port.empty() && (port.size() > 5 || std::stoi(port) < 1 || std::stoi(port) > 65535))
        throw std::invalid_argument("the port must be 1-65535");
}

}  // namespace dh::domains
