#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mail/smtp_url.hpp"
#include "mail/transport.hpp"

namespace dh::mail {

/// Per-command timeouts; defaults are RFC 5321 §4.5.3.2 (tests use much shorter ones).
struct SmtpTimeouts {
    std::chrono::milliseconds connect{std::chrono::seconds(30)};    ///< TCP connect + TLS handshake (not in the RFC)
    std::chrono::milliseconds greeting{std::chrono::minutes(5)};    ///< initial 220
    std::chrono::milliseconds command{std::chrono::minutes(5)};     ///< EHLO, STARTTLS, AUTH, RSET, QUIT
    std::chrono::milliseconds mail{std::chrono::minutes(5)};        ///< MAIL FROM
    std::chrono::milliseconds rcpt{std::chrono::minutes(5)};        ///< RCPT TO
    std::chrono::milliseconds data_init{std::chrono::minutes(2)};   ///< DATA → 354
    std::chrono::milliseconds data_block{std::chrono::minutes(3)};  ///< writing the message
    std::chrono::milliseconds data_end{std::chrono::minutes(10)};   ///< final "." → reply
};

struct SmtpOptions {
    SmtpUrl url;
    int connections = 20;                 ///< WORKER_CONNECTIONS: the most connections open at once
    std::string helo_name = "localhost";  ///< our name in EHLO (MAIL_DOMAIN)
    SmtpTimeouts timeouts;
    bool use_pipelining = true;  ///< RFC 2920 when the server offers it (off only to compare)
    std::chrono::milliseconds idle_timeout{std::chrono::seconds(20)};  ///< close connections idle this long
    /// Pauses (throttling, reconnect back-off) up to this long are waited out inside send();
    /// during a longer pause the waiting messages are deferred at once with the remaining time as hint.
    std::chrono::milliseconds max_pause_wait{std::chrono::seconds(2)};
    std::chrono::milliseconds relay_problem_pause{std::chrono::seconds(30)};  ///< after AUTH/TLS refusal
    std::chrono::milliseconds throttle_pause{std::chrono::seconds(1)};        ///< first unhinted throttle pause
    std::chrono::milliseconds reconnect_backoff{std::chrono::seconds(1)};     ///< first pause when the relay is down
    std::chrono::milliseconds max_backoff{std::chrono::seconds(60)};          ///< cap of both doublings
    std::chrono::milliseconds recovery_interval{std::chrono::seconds(2)};     ///< +1 connection per interval
};

/// Counters for tests, benchmarks and metrics (monotonic except `connection_limit`).
struct SmtpStats {
    std::uint64_t connections_opened = 0;  ///< connection attempts, successful or not
    std::uint64_t setup_failures = 0;      ///< attempts that failed before the first transaction
    std::uint64_t sent = 0, deferred = 0, failed = 0;
    std::uint64_t throttled = 0;  ///< throttling replies seen
    int connection_limit = 0;     ///< the adaptive limit now (≤ connections)
    int open_connections = 0;
};

/// Delivery to an SMTP relay: asynchronous client on its own I/O thread with a bounded pool of
/// reused connections, STARTTLS/implicit TLS, AUTH PLAIN/LOGIN, PIPELINING, adaptive rate on
/// throttling, and relay health (AUTH/TLS refusals pause sending instead of failing messages).
class SmtpTransport : public Transport {
public:
    /// Throws ConfigError when the TLS settings cannot be used (e.g. an unreadable ca= bundle).
    explicit SmtpTransport(SmtpOptions options);
    ~SmtpTransport() override;
    SmtpTransport(const SmtpTransport&) = delete;
    SmtpTransport& operator=(const SmtpTransport&) = delete;

    using Transport::send;
    std::vector<DeliveryResult> send(const std::vector<OutgoingMessage>& batch,
                                     const ResultCallback& on_result) override;
    std::string name() const override { return "smtp"; }
    std::string health() const override;
    SmtpStats stats() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace dh::mail
