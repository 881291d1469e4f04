#include "inbox/ses_inbound.hpp"

#include "common/error.hpp"
#include "common/log.hpp"
#include "mail/mime_parser.hpp"

namespace dh::inbox {

SesInbound::SesInbound(InboundService& service, SnsVerifier::Options options)
    : service_(service), verifier_(std::move(options)) {}

SnsResult SesInbound::handle(std::string_view body) {
    auto message = parse_sns_message(body);
    auto verdict = verifier_.verify(message);
    if (!verdict.valid) {
        log::warn("SNS message refused", {{"reason", verdict.reason}, {"topic", message.topic_arn}});
        throw Error(ErrorKind::forbidden, "invalid_signature", "The SNS signature does not verify.", verdict.reason);
    }
    SnsResult result;
    result.type = message.type;
    if (message.type == "SubscriptionConfirmation" || message.type == "UnsubscribeConfirmation") {
        result.subscribe_url = message.subscribe_url;
        log::info("SNS subscription message",
                  {{"type", message.type}, {"topic", message.topic_arn}, {"subscribe_url", message.subscribe_url}});
        return result;
    }
    if (message.type != "Notification") return result;
    auto event = parse_ses_notification(message.message);
    result.event = event.type_name;
    if (event.type == SesEventType::received && !event.content.empty()) {
        auto path = service_.keep_raw(event.content);
        Received r{event.source, {}, path, event.content};
        for (auto& rc : event.recipients) r.recipients.push_back(rc.address);
        if (r.recipients.empty())
            for (auto& to : mail::parse_message(event.content).to) r.recipients.push_back(to.address);
        result.outcome = service_.process(r);
        return result;
    }
    auto path = service_.keep_raw(body);
    result.outcome = service_.apply_ses_event(event, path, body.size());
    return result;
}

}  // namespace dh::inbox
