#pragma once
#include "inbox/inbound_service.hpp"
#include "mail/inbound.hpp"

namespace dh::inbox {

/// What the inbound SMTP listener asks, answered by the inbox: RCPT is accepted only for routing
/// addresses we issued (not an open relay); DATA is acknowledged only once the raw message is on
/// disk (fsynced) and recorded in the database.
class SmtpInbound : public mail::InboundHandler {
public:
    explicit SmtpInbound(InboundService& service) : service_(service) {}
    mail::RcptVerdict check_recipient(const std::string& rcpt) override;
    mail::StoreVerdict store(const mail::InboundEnvelope& env, std::string_view raw) override;

private:
    InboundService& service_;
};

}  // namespace dh::inbox
