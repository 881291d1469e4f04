#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "mail/smtp_protocol.hpp"
#include "mail/transport.hpp"

/// The outcome table: what a reply (or its absence) means for one message. Pure functions.
namespace dh::mail::smtp {

/// Where in a transaction a reply came from.
enum class Step { mail, rcpt, data, dot };

/// Why no reply came: the message is deferred either way.
enum class IoFailure { connect, dropped, timeout, protocol };

/// The result of a transaction that ended with `reply` at `step` (any code; 2xx only makes sense at `dot`).
DeliveryResult classify(const Reply& reply, Step step);

/// The result for a message whose transaction ended without a (complete) reply.
DeliveryResult io_failure(IoFailure failure);

/// 4xx replies that mean "you are sending too fast": 421/451/454 with 4.7.x, or text about a rate,
/// throttling or too many messages. Greylisting (also 4.7.x) is not throttling.
bool is_throttling(const Reply& reply);

/// A delay the relay asks for in plain text ("try again in 30 seconds", "retry after 2 min").
std::optional<int> retry_hint_seconds(std::string_view text);

/// Plain-language reasons shared with the connection setup code.
inline constexpr const char* kReasonThrottled = "the relay is throttling us";
inline constexpr const char* kReasonDropped = "the connection dropped";
inline constexpr const char* kReasonTimeout = "the relay did not answer in time";
inline constexpr const char* kReasonConnect = "could not connect to the relay";
inline constexpr const char* kReasonProtocol = "the relay sent a reply we could not understand";
inline constexpr const char* kReasonUnavailable = "the relay is temporarily unavailable";

}  // namespace dh::mail::smtp
