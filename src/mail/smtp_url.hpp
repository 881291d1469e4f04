#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace dh::mail {

/// Where and how to reach the SMTP relay, parsed from `SMTP_URL`:
///   smtp://[user:pass@]host[:port][?tls=starttls|none][&ca=/path/bundle.pem][&verify=0]
///   smtps://[user:pass@]host[:port][?ca=...][&verify=0]
/// `smtp://` requires STARTTLS unless `tls=none`; `smtps://` is implicit TLS. Default ports: 587 / 465.
/// User and password are percent-decoded. Plain data, no I/O.
struct SmtpUrl {
    enum class Tls { none, starttls, implicit };

    std::string host;
    std::uint16_t port = 587;
    Tls tls = Tls::starttls;
    std::string user;      ///< empty = no AUTH
    std::string password;  ///< secret: never log it, never put it in an error message
    std::string ca_file;   ///< empty = the system's trust store
    bool verify = true;    ///< certificate + host name verification; `verify=0` is for tests only

    bool has_auth() const { return !user.empty(); }
    /// The URL for logs and /readyz: the password replaced by "***" (and the user kept).
    std::string redacted() const;

    /// Throws dh::ConfigError("SMTP_URL: ...") on any problem; the message never repeats the password.
    static SmtpUrl parse(std::string_view url);
};

const char* to_string(SmtpUrl::Tls tls);

}  // namespace dh::mail
