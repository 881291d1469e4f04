#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dh::mail {

/// One message ready for the wire: the envelope and the complete RFC 5322 bytes.
struct OutgoingMessage {
    std::string id;         ///< the delivery id; results are matched on it
    std::string mail_from;  ///< envelope sender (per-delivery VERP address); may be empty for bounces
    std::string rcpt_to;    ///< exactly one recipient per transaction
    std::string data;       ///< the whole message, CRLF line endings, NOT dot-stuffed (transports do that)
};

enum class Outcome {
    sent,      ///< accepted by the relay (2xx after the final dot)
    deferred,  ///< temporary: 4xx, timeout, dropped connection, throttling; retry later
    failed,    ///< permanent: 5xx or a message the relay can never take
};

const char* to_string(Outcome outcome);

/// What happened to one message.
struct DeliveryResult {
    std::string id;
    Outcome outcome = Outcome::deferred;
    int smtp_code = 0;                       ///< last reply code (0 when none, e.g. connection failure)
    std::string reply;                       ///< the relay's reply text (e.g. "250 Ok <ses-message-id>")
    std::string reason;                      ///< plain language for the UI: "the mailbox does not exist", ...
    std::optional<int> retry_after_seconds;  ///< a delay hinted by the relay (throttling)
    bool relay_problem = false;              ///< AUTH or TLS refused: the relay, not this message, is at fault;
                                             ///< callers pause sending instead of burning deliveries into failed
};

/// Told each message's result as soon as the transport knows it, on a thread of the transport
/// (an SMTP connection's I/O thread, say): it must be quick and must not block.
using ResultCallback = std::function<void(const DeliveryResult&)>;

/// Where rendered messages go: capture (files), SMTP relay, or the SES API.
/// Implementations are thread-safe; send() blocks until every message of the batch has a result.
class Transport {
public:
    virtual ~Transport() = default;
    /// Sends a batch (the transport may spread it over several connections and pipeline).
    /// Returns exactly one result per message, in any order.
    std::vector<DeliveryResult> send(const std::vector<OutgoingMessage>& batch) { return send(batch, nullptr); }
    /// The same, and calls `on_result` (when set) with each result as it comes, before send()
    /// returns: the worker records outcomes while the rest of the batch is still on the wire.
    virtual std::vector<DeliveryResult> send(const std::vector<OutgoingMessage>& batch,
                                             const ResultCallback& on_result) = 0;
    /// "capture", "smtp" or "ses": for logs and /readyz.
    virtual std::string name() const = 0;
    /// Empty when healthy; otherwise why sending is paused (shown on /readyz and in dispatches).
    virtual std::string health() const { return {}; }
};

}  // namespace dh::mail
