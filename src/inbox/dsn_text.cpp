// Free-text scanning for bounces: status codes, SMTP codes, addresses, and the heuristic reader
// for bounces that are not RFC 3464 reports.
#include <algorithm>
#include <cctype>

#include "common/strings.hpp"
#include "inbox/dsn.hpp"
#include "inbox/dsn_internal.hpp"

namespace dh::inbox {
namespace {

bool digit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

bool local_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view(".!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
}

bool domain_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
}

bool contains_any(const std::string& haystack, std::initializer_list<std::string_view> needles) {
    for (auto n : needles)
        if (haystack.find(n) != std::string::npos) return true;
    return false;
}

/// Where the returned copy of the original message starts in a text bounce (or npos).
std::size_t returned_copy_start(const std::string& lowered) {
    std::size_t best = std::string::npos;
    for (std::string_view marker :
         {"this is a copy of the message", "below this line is a copy of the message", "original message follows",
          "----- original message -----", "------ this is a copy", "\nreceived: from", "\nreturn-path:"}) {
        best = std::min(best, lowered.find(marker));
    }
    return best;
}

bool is_system_address(const std::string& address) {
    std::string local = strings::to_lower(address.substr(0, address.find('@')));
    return local == "mailer-daemon" || local == "postmaster" || local == "root" || local == "noreply";
}

}  // namespace

std::string find_enhanced_status(std::string_view t) {
    for (std::size_t i = 0; i + 4 < t.size(); ++i) {
        if ((t[i] != '2' && t[i] != '4' && t[i] != '5') || t[i + 1] != '.') continue;
        if (i > 0 && (digit(t[i - 1]) || t[i - 1] == '.')) continue;
        std::size_t j = i + 2, start = j;
        while (j < t.size() && digit(t[j]) && j - start < 3) ++j;
        if (j == start || j >= t.size() || t[j] != '.') continue;
        std::size_t k = ++j;
        while (k < t.size() && digit(t[k]) && k - j < 3) ++k;
        if (k == j || (k < t.size() && (digit(t[k]) || t[k] == '.'))) continue;
        return std::string(t.substr(i, k - i));
    }
    return {};
}

int find_smtp_code(std::string_view t) {
    for (std::size_t i = 0; i + 3 <= t.size(); ++i) {
        if ((t[i] != '4' && t[i] != '5') || !digit(t[i + 1]) || !digit(t[i + 2])) continue;
        if (i > 0 && (std::isalnum(static_cast<unsigned char>(t[i - 1])) || t[i - 1] == '.' || t[i - 1] == '-'))
            continue;
        if (i + 3 < t.size() && t[i + 3] != ' ' && t[i + 3] != '-') continue;
        return (t[i] - '0') * 100 + (t[i + 1] - '0') * 10 + (t[i + 2] - '0');
    }
    return 0;
}

std::vector<std::string> find_addresses(std::string_view t) {
    std::vector<std::string> out;
    for (std::size_t at = t.find('@'); at != std::string_view::npos; at = t.find('@', at + 1)) {
        std::size_t b = at;
        while (b > 0 && local_char(t[b - 1])) --b;
        std::size_t e = at + 1;
        while (e < t.size() && domain_char(t[e])) ++e;
        std::string_view domain = t.substr(at + 1, e - at - 1);
        while (!domain.empty() && (domain.back() == '.' || domain.back() == '-')) domain.remove_suffix(1);
        std::string_view local = t.substr(b, at - b);
        while (!local.empty() && local.front() == '.') local.remove_prefix(1);
        if (local.empty() || domain.find('.') == std::string_view::npos) continue;
        std::string address = std::string(local) + "@" + strings::to_lower(domain);
        if (std::find(out.begin(), out.end(), address) == out.end()) out.push_back(address);
    }
    return out;
}

BounceClass classify_text(std::string_view diagnostic) {
    std::string status = find_enhanced_status(diagnostic);
    if (!status.empty()) return classify(status, "failed", {});
    int code = find_smtp_code(diagnostic);
    if (code >= 500) return BounceClass::hard;
    if (code >= 400) return BounceClass::soft;
    std::string l = strings::to_lower(diagnostic);
    if (contains_any(l, {"mailbox full", "over quota", "quota exceeded", "temporar", "try again", "delayed",
                         "will retry", "still trying"}))
        return BounceClass::soft;
    if (contains_any(
            l, {"does not exist", "user unknown", "unknown user", "no such user", "no mailbox", "mailbox unavailable",
                "invalid recipient", "recipient rejected", "address rejected", "not found", "permanent"}))
        return BounceClass::hard;
    return BounceClass::none;
}

bool looks_like_bounce(const mail::ParsedMessage& m, bool null_sender) {
    std::string from = strings::to_lower(m.from.address + " " + m.from.name);
    std::string subject = strings::to_lower(m.subject);
    bool daemon = contains_any(from, {"mailer-daemon", "postmaster", "mail delivery"});
    bool bounce_subject =
        contains_any(subject, {"undeliver", "delivery status notification", "returned mail", "failure notice",
                               "delivery failure", "mail delivery failed", "delivery has failed",
                               "could not be delivered", "non-delivery", "nicht zustellbar", "unzustellbar"});
    return bounce_subject && (daemon || null_sender);
}

void read_text_bounce(const mail::ParsedMessage& m, Report& report) {
    // Bounce explanations are short; the bound keeps the scans below cheap on hostile input.
    std::string body = (m.text_body.empty() ? m.html_text : m.text_body).substr(0, 64 * 1024);
    std::string lowered = strings::to_lower(body);
    std::size_t cut = returned_copy_start(lowered);
    std::string diagnostic_part = body.substr(0, cut);
    // Postfix and qmail put each failed recipient at the start of a line as "<addr>: ..." followed
    // by the explanation up to the next blank line. Use that when present, else any address.
    std::size_t pos = 0;
    while (pos < diagnostic_part.size()) {
        std::size_t end = diagnostic_part.find("\n\n", pos);
        std::size_t end_crlf = diagnostic_part.find("\r\n\r\n", pos);
        end = std::min(end, end_crlf);
        std::string block = diagnostic_part.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        pos = end == std::string::npos ? diagnostic_part.size() : end + 2;
        std::size_t first = block.find_first_not_of("\r\n");
        if (first == std::string::npos || block[first] != '<') continue;
        std::size_t close = block.find(">:", first);
        if (close == std::string::npos) continue;
        ReportRecipient r;
        r.address = block.substr(first + 1, close - first - 1);
        r.diagnostic = detail::collapse_space(block.substr(close + 2));
        r.action = "failed";
        r.status = find_enhanced_status(r.diagnostic);
        r.bounce = classify_text(r.diagnostic);
        if (r.address.find('@') != std::string::npos) report.recipients.push_back(std::move(r));
    }
    if (report.recipients.empty()) {
        std::string text = detail::collapse_space(diagnostic_part.substr(0, 2000));
        for (auto& address : find_addresses(diagnostic_part)) {
            if (is_system_address(address) || address == m.from.address) continue;
            bool addressed_to_us = false;
            for (auto& to : m.to)
                addressed_to_us = addressed_to_us || strings::to_lower(to.address) == strings::to_lower(address);
            if (addressed_to_us) continue;
            ReportRecipient r{address, {}, "failed", find_enhanced_status(text), text, {}, classify_text(text)};
            report.recipients.push_back(std::move(r));
            if (report.recipients.size() >= 20) break;
        }
    }
    if (cut != std::string::npos && report.original_message_id.empty())
        report.original_message_id = detail::message_id_in(body.substr(cut));
}

}  // namespace dh::inbox
