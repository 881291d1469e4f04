// SES notifications (bounce, complaint, delivery, received) as carried in SNS messages.
#include <strings.h>

#include <nlohmann/json.hpp>

#include "common/bounded_json.hpp"
#include "common/digest.hpp"
#include "common/error.hpp"
#include "inbox/sns.hpp"

namespace dh::inbox {
namespace {

using nlohmann::json;

std::string text(const json& j, const char* name) {
    if (!j.is_object()) return {};
    auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const json& object(const json& j, const char* name) {
    static const json empty = json::object();
    if (!j.is_object()) return empty;
    auto it = j.find(name);
    return it != j.end() && it->is_object() ? *it : empty;
}

const json& array(const json& j, const char* name) {
    static const json empty = json::array();
    if (!j.is_object()) return empty;
    auto it = j.find(name);
    return it != j.end() && it->is_array() ? *it : empty;
}

std::string strip_id(std::string id) {
    auto b = id.find('<');
    auto e = id.find('>');
    if (b != std::string::npos && e != std::string::npos && e > b) return id.substr(b + 1, e - b - 1);
    return id;
}

void read_mail(const json& mail, SesEvent& e) {
    e.ses_message_id = text(mail, "messageId");
    e.source = text(mail, "source");
    for (auto& h : array(mail, "headers"))
        if (e.header_message_id.empty() && strcasecmp(text(h, "name").c_str(), "Message-ID") == 0)
            e.header_message_id = strip_id(text(h, "value"));
    if (e.header_message_id.empty()) e.header_message_id = strip_id(text(object(mail, "commonHeaders"), "messageId"));
}

void read_bounce(const json& b, SesEvent& e) {
    e.bounce_type = text(b, "bounceType");
    e.bounce_sub_type = text(b, "bounceSubType");
    e.timestamp = text(b, "timestamp");
    for (auto& r : array(b, "bouncedRecipients")) {
        SesRecipient rec{text(r, "emailAddress"), text(r, "action"), text(r, "status"), text(r, "diagnosticCode"), {}};
        if (e.bounce_type == "Permanent")
            rec.bounce = BounceClass::hard;
        else if (e.bounce_type == "Transient")
            rec.bounce = BounceClass::soft;
        else
            rec.bounce = classify(rec.status, rec.action.empty() ? "failed" : rec.action, rec.diagnostic);
        e.recipients.push_back(std::move(rec));
    }
}

}  // namespace

SesEvent parse_ses_notification(std::string_view message_json) {
    auto j = dh::json::parse_or_null(message_json).value_or(nlohmann::json());
    if (j.is_discarded() || !j.is_object())
        throw Error::bad_request("invalid_ses_notification", "The SNS message does not carry an SES notification.");
    SesEvent e;
    e.type_name = text(j, "notificationType");
    if (e.type_name.empty()) e.type_name = text(j, "eventType");
    read_mail(object(j, "mail"), e);
    if (e.type_name == "Bounce") {
        e.type = SesEventType::bounce;
        read_bounce(object(j, "bounce"), e);
    } else if (e.type_name == "Complaint") {
        e.type = SesEventType::complaint;
        const json& c = object(j, "complaint");
        e.complaint_feedback_type = text(c, "complaintFeedbackType");
        e.timestamp = text(c, "timestamp");
        for (auto& r : array(c, "complainedRecipients"))
            e.recipients.push_back({text(r, "emailAddress"), "complained", {}, {}, {}});
    } else if (e.type_name == "Delivery") {
        e.type = SesEventType::delivery;
        const json& d = object(j, "delivery");
        e.timestamp = text(d, "timestamp");
        for (auto& r : array(d, "recipients"))
            if (r.is_string())
                e.recipients.push_back({r.get<std::string>(), "delivered", {}, text(d, "smtpResponse"), {}});
    } else if (e.type_name == "Received") {
        e.type = SesEventType::received;
        const json& action = object(object(j, "receipt"), "action");
        std::string content = text(j, "content");
        e.content = text(action, "encoding") == "BASE64" ? digest::base64_decode(content).value_or("") : content;
        e.timestamp = text(object(j, "receipt"), "timestamp");
        for (auto& r : array(object(j, "receipt"), "recipients"))
            if (r.is_string()) e.recipients.push_back({r.get<std::string>(), "received", {}, {}, {}});
    }
    return e;
}

}  // namespace dh::inbox
