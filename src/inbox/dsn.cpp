#include "inbox/dsn.hpp"

#include <cctype>

#include "common/strings.hpp"
#include "inbox/dsn_internal.hpp"
#include "mail/mime_parser.hpp"

namespace dh::inbox {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;  // lower-cased name, unfolded value

std::string trim(std::string_view s) {
    std::size_t b = s.find_first_not_of(" \t\r\n");
    std::size_t e = s.find_last_not_of(" \t\r\n");
    return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

/// Groups of "Name: value" fields separated by blank lines (RFC 3464 section 2.1 / RFC 5965).
std::vector<Fields> field_groups(std::string_view text) {
    std::vector<Fields> groups(1);
    std::size_t pos = 0;
    while (pos < text.size() && groups.size() < 1000) {
        std::size_t nl = text.find('\n', pos);
        std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (trim(line).empty()) {
            if (!groups.back().empty()) groups.emplace_back();
            continue;
        }
        if ((line.front() == ' ' || line.front() == '\t') && !groups.back().empty()) {
            groups.back().back().second += " " + trim(line);
            continue;
        }
        auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        groups.back().emplace_back(strings::to_lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
    }
    if (groups.back().empty()) groups.pop_back();
    return groups;
}

std::string get(const Fields& fields, std::string_view name) {
    for (auto& [k, v] : fields)
        if (k == name) return v;
    return {};
}

/// "rfc822; <User@Example.com>" -> "User@Example.com".
std::string address_of(std::string_view value) {
    auto semi = value.find(';');
    std::string a = trim(semi == std::string_view::npos ? value : value.substr(semi + 1));
    if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
    return a;
}

std::string strip_id(std::string id) {
    id = trim(id);
    if (id.size() >= 2 && id.front() == '<')
        id = id.substr(1, id.find('>') == std::string::npos ? std::string::npos : id.find('>') - 1);
    return trim(id);
}

const mail::Attachment* find_part(const mail::ParsedMessage& m, std::initializer_list<std::string_view> types) {
    for (auto& a : m.attachments)
        for (auto t : types)
            if (a.content_type == t) return &a;
    return nullptr;
}

const mail::Attachment* returned_part(const mail::ParsedMessage& m) {
    return find_part(m, {"message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers",
                         "message/rfc822-headers"});
}

void read_dsn(const mail::Attachment& part, Report& report) {
    auto groups = field_groups(part.data);
    if (groups.empty()) return;
    const Fields& message_fields = groups.front();
    report.reporting_mta = address_of(get(message_fields, "reporting-mta"));
    report.original_envelope_id = get(message_fields, "original-envelope-id");
    report.arrival_date = get(message_fields, "arrival-date");
    report.format = get(message_fields, "x-postfix-queue-id").empty() ? "rfc3464" : "postfix";
    for (const Fields& f : groups) {
        if (get(f, "final-recipient").empty() && get(f, "action").empty()) continue;
        ReportRecipient r;
        r.address = address_of(get(f, "final-recipient"));
        r.original_recipient = address_of(get(f, "original-recipient"));
        if (r.address.empty()) r.address = r.original_recipient;
        r.action = strings::to_lower(get(f, "action"));
        std::string status = get(f, "status");
        r.status = status.substr(0, status.find_first_of(" \t("));
        r.diagnostic = get(f, "diagnostic-code");
        r.remote_mta = address_of(get(f, "remote-mta"));
        r.bounce = classify(r.status, r.action, r.diagnostic);
        report.recipients.push_back(std::move(r));
    }
}

void read_arf(const mail::ParsedMessage& m, const mail::Attachment* part, Report& report) {
    report.kind = ReportKind::complaint;
    report.format = "arf";
    auto groups = part ? field_groups(part->data) : std::vector<Fields>{};
    Fields fields = groups.empty() ? Fields{} : groups.front();
    report.feedback_type = strings::to_lower(get(fields, "feedback-type"));
    report.user_agent = get(fields, "user-agent");
    report.arrival_date = get(fields, "arrival-date");
    for (auto& [k, v] : fields) {
        if (k == "original-rcpt-to")
            report.recipients.push_back({address_of(v), {}, "complained", {}, {}, {}, BounceClass::none});
    }
    const mail::Attachment* returned = returned_part(m);
    if (report.recipients.empty() && returned) {
        for (auto& a : find_addresses(mail::header_value(returned->data, "To")))
            report.recipients.push_back({a, {}, "complained", {}, {}, {}, BounceClass::none});
    }
}

}  // namespace

const char* to_string(BounceClass c) {
    switch (c) {
        case BounceClass::hard:
            return "hard";
        case BounceClass::soft:
            return "soft";
        case BounceClass::none:
            return "none";
    }
    return "none";
}

BounceClass classify(std::string_view status, std::string_view action, std::string_view diagnostic) {
    if (!status.empty() && status[0] == '5') return BounceClass::hard;
    if (!status.empty() && status[0] == '4') return BounceClass::soft;
    if (!status.empty() && status[0] == '2') return BounceClass::none;
    std::string a = strings::to_lower(action);
    if (a == "delivered" || a == "relayed" || a == "expanded") return BounceClass::none;
    if (a == "delayed") return BounceClass::soft;
    BounceClass from_text = classify_text(diagnostic);
    if (from_text != BounceClass::none) return from_text;
    return a == "failed" ? BounceClass::hard : BounceClass::none;
}

Report parse_report(const mail::ParsedMessage& m, bool null_sender) {
    Report report;
    auto it = m.content_type_params.find("report-type");
    std::string report_type = it == m.content_type_params.end() ? std::string() : strings::to_lower(it->second);
    const mail::Attachment* feedback = find_part(m, {"message/feedback-report"});
    const mail::Attachment* status = find_part(m, {"message/delivery-status", "message/global-delivery-status"});
    if (feedback || report_type == "feedback-report") {
        read_arf(m, feedback, report);
    } else if (status) {
        report.kind = ReportKind::delivery_status;
        read_dsn(*status, report);
    } else if (report_type == "delivery-status" || looks_like_bounce(m, null_sender)) {
        report.kind = ReportKind::delivery_status;
        report.format = "text";
        read_text_bounce(m, report);
    }
    if (report.kind == ReportKind::none) return report;
    const mail::Attachment* returned = returned_part(m);
    if (report.original_message_id.empty() && returned)
        report.original_message_id = strip_id(mail::header_value(returned->data, "Message-ID"));
    return report;
}

namespace detail {

std::string collapse_space(std::string_view s) {
    std::string out;
    bool space = false;
    for (char c : s) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::string message_id_in(std::string_view text) {
    std::string l = strings::to_lower(text);
    for (std::size_t at = l.find("message-id:"); at != std::string::npos; at = l.find("message-id:", at + 1)) {
        if (at > 0 && l[at - 1] != '\n') continue;
        std::size_t end = text.find('\n', at);
        std::string value = strip_id(
            std::string(text.substr(at + 11, end == std::string_view::npos ? std::string_view::npos : end - at - 11)));
        if (!value.empty()) return value;
    }
    return {};
}

}  // namespace detail
}  // namespace dh::inbox
