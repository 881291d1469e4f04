#include "inbox/inbound_smtp.hpp"

#include "common/error.hpp"
#include "common/log.hpp"

namespace dh::inbox {

mail::RcptVerdict SmtpInbound::check_recipient(const std::string& rcpt) {
    if (service_.routable_recipient(rcpt)) return mail::RcptVerdict::accept();
    return mail::RcptVerdict::refuse(550, "5.1.1 <" + rcpt + ">: Recipient address rejected: not routed here");
}

mail::StoreVerdict SmtpInbound::store(const mail::InboundEnvelope& env, std::string_view raw) {
    std::string path;
    try {
        path = service_.keep_raw(raw);
    } catch (const std::exception& e) {
        log::error("inbound message not stored", {{"session", env.session_id}, {"error", e.what()}});
        return mail::StoreVerdict::fail(451, "4.3.0 Error: message not stored, try again later");
    }
    try {
        auto outcome = service_.process({env.mail_from, env.rcpt_to, path, raw});
        return mail::StoreVerdict::ok(outcome.quarantine_id ? *outcome.quarantine_id : outcome.inbox_ids.front());
    } catch (const std::exception& e) {
        // The raw copy stays on disk; the sender keeps the message too and retries.
        log::error("inbound message not processed", {{"session", env.session_id}, {"raw", path}, {"error", e.what()}});
        return mail::StoreVerdict::fail(451, "4.3.0 Error: message not recorded, try again later");
    }
}

}  // namespace dh::inbox
