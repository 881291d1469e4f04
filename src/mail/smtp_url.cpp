#include "mail/smtp_url.hpp"

#include <cctype>
#include <cstdlib>

#include "app/config.hpp"
#include "common/strings.hpp"

namespace dh::mail {
namespace {

[[noreturn]] void fail(const std::string& why) {
    throw ConfigError("SMTP_URL: " + why);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// `what` names the part ("user name", "password") so the error never quotes a secret.
std::string percent_decode(std::string_view s, const char* what) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
        int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
        if (hi < 0 || lo < 0) fail(std::string("the ") + what + " has a bad percent-escape (use %XX, e.g. %40 for @)");
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

std::string percent_encode(std::string_view s) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::uint16_t parse_port(std::string_view s) {
    if (s.empty() || s.size() > 5) fail("the port must be a number from 1 to 65535");
    long p = 0;
    for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) fail("the port must be a number from 1 to 65535");
        p = p * 10 + (c - '0');
    }
    if (p < 1 || p > 65535) fail("the port must be a number from 1 to 65535");
    return static_cast<std::uint16_t>(p);
}

/// host, [v6], host:port or [v6]:port
void parse_host_port(std::string_view hp, SmtpUrl& url) {
    if (hp.empty()) fail("the host is missing (smtp://host:port)");
    if (hp.front() == '[') {
        auto close = hp.find(']');
        if (close == std::string_view::npos) fail("an IPv6 host must be closed with ]");
        url.host = std::string(hp.substr(1, close - 1));
        auto rest = hp.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') fail("unexpected text after the IPv6 host");
            url.port = parse_port(rest.substr(1));
        }
    } else {
        auto colon = hp.rfind(':');
        url.host = std::string(hp.substr(0, colon));
        if (colon != std::string_view::npos) url.port = parse_port(hp.substr(colon + 1));
    }
    if (url.host.empty()) fail("the host is missing (smtp://host:port)");
    for (unsigned char c : url.host)
        if (std::isspace(c) || c == '/' || c == '@' || c == '?') fail("the host contains an invalid character");
}

void parse_userinfo(std::string_view ui, SmtpUrl& url) {
    auto colon = ui.find(':');
    url.user = percent_decode(ui.substr(0, colon), "user name");
    if (colon != std::string_view::npos) url.password = percent_decode(ui.substr(colon + 1), "password");
    if (url.user.empty()) fail("the user name is empty (smtp://user:password@host:port)");
    if (colon == std::string_view::npos || url.password.empty())
        fail("a user name is given without a password (smtp://user:password@host:port)");
}

void parse_query(std::string_view q, bool implicit_tls, SmtpUrl& url) {
    for (const auto& pair : strings::split(q, '&')) {
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        std::string key = pair.substr(0, eq);
        std::string value = eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1), "query value");
        if (key == "tls") {
            if (implicit_tls) fail("tls= is not allowed with smtps:// (it is always TLS)");
            if (value == "none") {
                url.tls = SmtpUrl::Tls::none;
            } else if (value == "starttls") {
                url.tls = SmtpUrl::Tls::starttls;
            } else {
                fail("tls must be starttls or none");
            }
        } else if (key == "ca") {
            if (value.empty()) fail("ca= needs the path of a PEM bundle");
            url.ca_file = value;
        } else if (key == "verify") {
            if (value != "0" && value != "1") fail("verify must be 1 or 0");
            url.verify = value == "1";
        } else {
            fail("unknown parameter '" + key + "' (known: tls, ca, verify)");
        }
    }
}

}  // namespace

const char* to_string(SmtpUrl::Tls tls) {
    switch (tls) {
        case SmtpUrl::Tls::none:
            return "none";
        case SmtpUrl::Tls::starttls:
            return "starttls";
        case SmtpUrl::Tls::implicit:
            return "implicit";
    }
    return "starttls";
}

SmtpUrl SmtpUrl::parse(std::string_view text) {
    SmtpUrl url;
    bool implicit_tls = false;
    if (text.starts_with("smtp://")) {
        text.remove_prefix(7);
    } else if (text.starts_with("smtps://")) {
        text.remove_prefix(8);
        implicit_tls = true;
        url.tls = Tls::implicit;
        url.port = 465;
    } else {
        fail("must start with smtp:// (STARTTLS) or smtps:// (implicit TLS)");
    }
    std::string_view query;
    if (auto q = text.find('?'); q != std::string_view::npos) {
        query = text.substr(q + 1);
        text = text.substr(0, q);
    }
    if (!text.empty() && text.back() == '/') text.remove_suffix(1);
    if (text.find('/') != std::string_view::npos) fail("must not contain a path (smtp://host:port?options)");
    // The password may contain '@' when escaped; the last '@' separates the user info.
    if (auto at = text.rfind('@'); at != std::string_view::npos) {
        parse_userinfo(text.substr(0, at), url);
        text = text.substr(at + 1);
    }
    parse_host_port(text, url);
    parse_query(query, implicit_tls, url);
    if (!url.ca_file.empty() && url.tls == Tls::none) fail("ca= makes no sense with tls=none");
    return url;
}

std::string SmtpUrl::redacted() const {
    std::string out = tls == Tls::implicit ? "smtps://" : "smtp://";
    if (has_auth()) out += percent_encode(user) + ":***@";
    out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
    out += ":" + std::to_string(port);
    std::string query;
    if (tls == Tls::none) query += "&tls=none";
    if (!ca_file.empty()) query += "&ca=" + ca_file;
    if (!verify) query += "&verify=0";
    if (!query.empty()) out += "?" + query.substr(1);
    return out;
}

}  // namespace dh::mail
