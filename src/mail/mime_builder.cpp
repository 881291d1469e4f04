#include "mail/mime_builder.hpp"

#include <algorithm>
#include <array>

#include "common/error.hpp"
#include "common/strings.hpp"
#include "mail/header_values.hpp"
#include "mail/mime_encode.hpp"

namespace dh::mail {
namespace {

constexpr std::size_t kMaxHeaderWord = 900;  // an unfoldable word must keep its line under 998
constexpr std::array<std::string_view, 16> kReservedHeaders = {
    "from",        "to",         "cc",           "bcc",    "reply-to",    "subject",  "date",        "message-id",
    "in-reply-to", "references", "mime-version", "sender", "return-path", "received", "resent-from", "resent-to"};

std::vector<std::string> mailbox_tokens(const std::string& field, const Mailbox& m) {
    check_header_address(field + ".address", m.address);
    check_display_name(field + ".name", m.name);
    std::vector<std::string> tokens;
    std::string name = header_text_as_written(m.name);
    if (!name.empty()) tokens = mime::phrase_tokens(name);
    tokens.push_back(tokens.empty() ? m.address : "<" + m.address + ">");
    return tokens;
}

std::string address_header(std::string_view header, const std::string& field, const std::vector<Mailbox>& boxes) {
    std::vector<std::string> tokens;
    for (std::size_t i = 0; i < boxes.size(); ++i) {
        auto mt = mailbox_tokens(boxes.size() == 1 ? field : field + "[" + std::to_string(i) + "]", boxes[i]);
        if (i + 1 < boxes.size()) mt.back() += ',';
        tokens.insert(tokens.end(), mt.begin(), mt.end());
    }
    return mime::fold_header(header, tokens);
}

std::string message_id_token(const std::string& field, std::string_view id) {
    check_header_text(field, id);
    if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
    if (!is_valid_message_id(id)) throw Error::invalid_field(field, "is not a valid message id");
    return "<" + std::string(id) + ">";
}

std::string extra_header(std::size_t index, const std::string& name, const std::string& value) {
    std::string field = "extra_headers[" + std::to_string(index) + "]";
    bool name_ok = !name.empty() && name.size() <= 76 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!name_ok) throw Error::invalid_field(field + ".name", "must be letters, digits and '-'");
    std::string lower = strings::to_lower(name);
    if (lower.starts_with("content-") ||
        std::find(kReservedHeaders.begin(), kReservedHeaders.end(), lower) != kReservedHeaders.end()) {
        throw Error::invalid_field(field + ".name", "is written by the message builder");
    }
    check_header_text(field + ".value", value);
    std::string v = header_text_as_written(value);
    if (!mime::is_printable_ascii(v)) throw Error::invalid_field(field + ".value", "must be ASCII");
    auto words = strings::split(v, ' ');
    words.erase(std::remove(words.begin(), words.end(), std::string()), words.end());
    for (const auto& w : words) {
        if (w.size() > kMaxHeaderWord) throw Error::invalid_field(field + ".value", "has a word that is too long");
    }
    return mime::fold_header(name, words);
}

std::string boundary(const Message& m, std::string_view level) {
    // Derived from the message id, so a retry is byte-identical. "=_" can never occur in base64 or
    // quoted-printable output, and 7bit parts containing it are sent as quoted-printable instead.
    return "=_dh_" + mime::sha256_hex(m.message_id + "/" + std::string(level)).substr(0, 24) + "_" + std::string(level);
}

/// A text/<subtype> entity: its headers, a blank line, its encoded body ending with CRLF.
std::string text_entity(const std::string& field, std::string_view body, std::string_view subtype) {
    if (!strings::is_valid_utf8(body)) throw Error::invalid_field(field, "must be valid UTF-8");
    std::string crlf = mime::normalize_crlf(body);
    if (!crlf.empty() && !crlf.ends_with("\r\n")) crlf += "\r\n";
    bool seven = mime::fits_7bit(crlf);
    std::string out = "Content-Type: text/" + std::string(subtype) + "; charset=utf-8\r\n";
    out += seven ? "Content-Transfer-Encoding: 7bit\r\n\r\n" : "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += seven ? crlf : mime::quoted_printable(crlf);
    return out;
}

std::string multipart_entity(std::string_view subtype, const std::string& bnd,
                             const std::vector<const std::string*>& parts) {
    std::string out = "Content-Type: multipart/" + std::string(subtype) + ";\r\n boundary=\"" + bnd + "\"\r\n\r\n";
    for (const auto* p : parts) {
        out += "--" + bnd + "\r\n";
        out += *p;
        out += "\r\n";  // the CRLF before a delimiter belongs to it: the part keeps its last line break
    }
    out += "--" + bnd + "--\r\n";
    return out;
}

std::string content_type_of(const std::string& field, std::string_view given) {
    std::string type = strings::to_lower(strings::trim(given.substr(0, given.find(';'))));
    if (type.empty()) return "application/octet-stream";
    auto slash = type.find('/');
    auto token_ok = [](std::string_view t) {
        return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
            return c > 0x20 && c < 0x7f && std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
        });
    };
    if (slash == std::string::npos || !token_ok(type.substr(0, slash)) || !token_ok(type.substr(slash + 1))) {
        throw Error::invalid_field(field, "must look like type/subtype");
    }
    if (type.starts_with("message/") || type.starts_with("multipart/")) return "application/octet-stream";
    return type;
}

}  // namespace

std::shared_ptr<const PreparedAttachment> prepare_attachment(const AttachmentFile& a, std::string_view field) {
    std::string f(field);
    check_file_name(f + ".filename", a.filename);
    std::string filename = header_text_as_written(a.filename);
    check_header_text(f + ".content_type", a.content_type);
    std::string type = content_type_of(f + ".content_type", a.content_type);

    std::vector<std::string> ct = {type + ";"};
    auto name = mime::parameter_tokens("name", filename);
    ct.insert(ct.end(), name.begin(), name.end());
    std::vector<std::string> cd = {"attachment;"};
    auto fn = mime::parameter_tokens("filename", filename);
    cd.insert(cd.end(), fn.begin(), fn.end());

    std::string part = mime::fold_header("Content-Type", ct) + mime::fold_header("Content-Disposition", cd);
    part += "Content-Transfer-Encoding: base64\r\n\r\n";
    part += mime::base64_lines(a.data);
    return std::make_shared<const PreparedAttachment>(filename, type, a.data.size(), std::move(part));
}

std::string build_message(const Message& m) {
    if (m.to.empty()) throw Error::invalid_field("to", "needs at least one recipient");
    std::string out;
    auto date = m.date == std::chrono::system_clock::time_point{} ? std::chrono::system_clock::now() : m.date;
    out += "Date: " + mime::rfc5322_date(date) + "\r\n";
    out += address_header("From", "from", {m.from});
    out += address_header("To", "to", m.to);
    if (m.reply_to) {
        std::vector<Mailbox> reply_to = {*m.reply_to};
        reply_to.insert(reply_to.end(), m.also_reply_to.begin(), m.also_reply_to.end());
        out += address_header("Reply-To", "reply_to", reply_to);
    }
    check_subject("subject", m.subject);
    out += mime::fold_header("Subject", mime::unstructured_tokens(header_text_as_written(m.subject)));
    out += "Message-ID: " + message_id_token("message_id", m.message_id) + "\r\n";
    if (m.in_reply_to) out += "In-Reply-To: " + message_id_token("in_reply_to", *m.in_reply_to) + "\r\n";
    if (!m.references.empty()) {
        std::vector<std::string> refs;
        for (std::size_t i = 0; i < m.references.size(); ++i) {
            refs.push_back(message_id_token("references[" + std::to_string(i) + "]", m.references[i]));
        }
        out += mime::fold_header("References", refs);
    }
    for (std::size_t i = 0; i < m.extra_headers.size(); ++i) {
        out += extra_header(i, m.extra_headers[i].first, m.extra_headers[i].second);
    }
    out += "MIME-Version: 1.0\r\n";

    std::string body = text_entity("text", m.text, "plain");
    if (m.html) {
        std::string html = text_entity("html", *m.html, "html");
        body = multipart_entity("alternative", boundary(m, "a"), {&body, &html});
    }
    if (!m.attachments.empty()) {
        std::vector<const std::string*> parts = {&body};
        for (const auto& a : m.attachments) parts.push_back(&a->part());
        body = multipart_entity("mixed", boundary(m, "m"), parts);
    }
    out += body;
    return out;
}

bool is_valid_address(std::string_view address) {
    auto at = address.rfind('@');
    if (address.size() > 254 || at == std::string_view::npos || at == 0 || at > 64) return false;
    auto local = address.substr(0, at);
    auto domain = address.substr(at + 1);
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
    for (char c : local) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) != std::string_view::npos;
        if (!ok) return false;
    }
    if (domain.empty() || domain.size() > 253) return false;
    for (const auto& label : strings::split(domain, '.')) {
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (char c : label) {
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) return false;
        }
    }
    return true;
}

bool is_valid_message_id(std::string_view id) {
    if (id.empty() || id.size() > 250) return false;
    auto at = id.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == id.size() ||
        id.find('@', at + 1) != std::string_view::npos) {
        return false;
    }
    // RFC 5322 msg-id: dot-atom-text on both sides of the '@'. Other specials (a ';' or '(' say),
    // or dots at an end or in a row, make readers cut the id short.
    constexpr std::string_view kSpecials = "<>\\\"(),:;[]";
    auto dot_atom = [](std::string_view s) { return s.front() != '.' && s.back() != '.' && s.find("..") == s.npos; };
    return dot_atom(id.substr(0, at)) && dot_atom(id.substr(at + 1)) && std::all_of(id.begin(), id.end(), [&](char c) {
               return c > 0x20 && c < 0x7f && kSpecials.find(c) == std::string_view::npos;
           });
}

}  // namespace dh::mail
