#include "mail/smtp_outcome.hpp"

#include <cctype>

#include "common/strings.hpp"

namespace dh::mail::smtp {
namespace {

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

/// `word` at a word start ("rate" in "sending rate", not in "generate").
bool has_word(std::string_view text, std::string_view word) {
    for (auto pos = text.find(word); pos != std::string_view::npos; pos = text.find(word, pos + 1))
        if (pos == 0 || !std::isalpha(static_cast<unsigned char>(text[pos - 1]))) return true;
    return false;
}

bool mailbox_unknown(const Reply& r, const std::string& text) {
    if (r.enhanced == "5.1.1" || r.enhanced == "5.1.10" || r.enhanced == "5.1.6") return true;
    return contains(text, "user unknown") || contains(text, "unknown user") || contains(text, "no such user") ||
           contains(text, "does not exist") || contains(text, "recipient unknown") ||
           contains(text, "mailbox unavailable") || contains(text, "invalid recipient") || contains(text, "no mailbox");
}

const char* permanent_reason(const Reply& r, Step step, const std::string& text) {
    if (step == Step::mail) return "the relay refused the sender";
    if (step == Step::rcpt) {
        if (mailbox_unknown(r, text)) return "the mailbox does not exist";
        if (r.enhanced == "5.2.2" || contains(text, "mailbox full") || contains(text, "over quota"))
            return "the mailbox is full";
        return "the relay refused the recipient";
    }
    if (r.enhanced == "5.3.4" || r.code == 552 || contains(text, "too large") || contains(text, "too big"))
        return "the message is too large for the relay";
    if (mailbox_unknown(r, text)) return "the mailbox does not exist";  // relays that check recipients late
    return "the relay refused the message";
}

const char* transient_reason(Step step) {
    switch (step) {
        case Step::mail:
            return "the relay temporarily refused the sender";
        case Step::rcpt:
            return "the relay temporarily refused the recipient";
        case Step::data:
        case Step::dot:
            return "the relay temporarily refused the message";
    }
    return "the relay temporarily refused the message";
}

}  // namespace

bool is_throttling(const Reply& reply) {
    if (!reply.transient()) return false;
    auto text = strings::to_lower(reply.text);
    if (contains(text, "greylist") || contains(text, "graylist")) return false;
    if (has_word(text, "rate") || contains(text, "throttl") || contains(text, "too many") ||
        contains(text, "slow down") || contains(text, "exceeded"))
        return true;
    return (reply.code == 421 || reply.code == 451 || reply.code == 454) && reply.enhanced.starts_with("4.7.");
}

std::optional<int> retry_hint_seconds(std::string_view raw) {
    auto text = strings::to_lower(raw);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i])) ||
            (i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '.')))
            continue;
        long n = 0;
        std::size_t j = i;
        for (; j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])); ++j)
            n = std::min(n * 10 + (text[j] - '0'), 100000000L);
        while (j < text.size() && text[j] == ' ') ++j;
        std::string_view unit = std::string_view(text).substr(j);
        auto unit_is = [&](std::string_view u) {
            return unit.starts_with(u) &&
                   (unit.size() == u.size() || !std::isalpha(static_cast<unsigned char>(unit[u.size()])));
        };
        long factor = 0;
        if (unit_is("s") || unit_is("sec") || unit_is("secs") || unit_is("second") || unit_is("seconds")) factor = 1;
        if (unit_is("min") || unit_is("mins") || unit_is("minute") || unit_is("minutes")) factor = 60;
        if (unit_is("h") || unit_is("hour") || unit_is("hours")) factor = 3600;
        if (factor > 0 && n > 0) return static_cast<int>(std::min(n * factor, 86400L));
        i = j;
    }
    return std::nullopt;
}

DeliveryResult classify(const Reply& reply, Step step) {
    DeliveryResult r;
    r.smtp_code = reply.code;
    r.reply = reply.summary();
    auto text = strings::to_lower(reply.text);
    if (reply.code >= 200 && reply.code < 300 && step == Step::dot) {
        r.outcome = Outcome::sent;
        r.reason = "the relay accepted the message";
    } else if (step == Step::mail && (reply.code == 530 || reply.code == 535)) {
        // "Authentication required" / "Must issue STARTTLS first": the relay set-up, not this message.
        r.outcome = Outcome::deferred;
        r.relay_problem = true;
        r.reason = "the relay requires authentication or TLS that we did not use";
    } else if (is_throttling(reply)) {
        r.outcome = Outcome::deferred;
        r.reason = kReasonThrottled;
        r.retry_after_seconds = retry_hint_seconds(reply.text);
    } else if (reply.code == 421) {
        r.outcome = Outcome::deferred;
        r.reason = kReasonUnavailable;
    } else if (reply.code >= 400 && reply.code < 500) {
        r.outcome = Outcome::deferred;
        r.reason = transient_reason(step);
        r.retry_after_seconds = retry_hint_seconds(reply.text);
    } else if (reply.code >= 500) {
        r.outcome = Outcome::failed;
        r.reason = permanent_reason(reply, step, text);
    } else {
        // A positive reply where the transaction should have ended (e.g. 354 to MAIL): broken peer.
        r.outcome = Outcome::deferred;
        r.reason = kReasonProtocol;
    }
    return r;
}

DeliveryResult io_failure(IoFailure failure) {
    DeliveryResult r;
    r.outcome = Outcome::deferred;
    switch (failure) {
        case IoFailure::connect:
            r.reason = kReasonConnect;
            break;
        case IoFailure::dropped:
            r.reason = kReasonDropped;
            break;
        case IoFailure::timeout:
            r.reason = kReasonTimeout;
            break;
        case IoFailure::protocol:
            r.reason = kReasonProtocol;
            break;
    }
    return r;
}

}  // namespace dh::mail::smtp
