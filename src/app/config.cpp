#include "app/config.hpp"

#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/strings.hpp"
#include "domains/dns_lookup.hpp"
#include "http/client_address.hpp"
#include "mail/mime_builder.hpp"
#include "mail/smtp_url.hpp"

namespace dh {
namespace {

std::optional<std::string> read_secret_file(const std::string& var, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(var + ": cannot read the file it names");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string value = ss.str();
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    return value;
}

/// VAR, or the contents of the file named by VAR_FILE (for secrets mounted as files).
std::optional<std::string> secret(const EnvLookup& env, const std::string& var) {
    auto direct = env(var);
    auto file = env(var + "_FILE");
    if (direct && !direct->empty() && file && !file->empty())
        throw ConfigError(var + " and " + var + "_FILE are both set: set only one");
    if (file && !file->empty()) return read_secret_file(var + "_FILE", *file);
    if (direct && !direct->empty()) return direct;
    return std::nullopt;
}

std::string plain(const EnvLookup& env, const std::string& var, const std::string& fallback) {
    auto v = env(var);
    return v && !v->empty() ? *v : fallback;
}

long integer(const EnvLookup& env, const std::string& var, long fallback, long min, long max) {
    auto v = env(var);
    if (!v || v->empty()) return fallback;
    char* end = nullptr;
    long n = std::strtol(v->c_str(), &end, 10);
    if (*end != '\0' || n < min || n > max)
        throw ConfigError(var + ": must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return n;
}

double number(const EnvLookup& env, const std::string& var, double fallback) {
    auto v = env(var);
    if (!v || v->empty()) return fallback;
    char* end = nullptr;
    double n = std::strtod(v->c_str(), &end);
    if (*end != '\0' || n < 0) throw ConfigError(var + ": must be a non-negative number");
    return n;
}

bool flag(const EnvLookup& env, const std::string& var, bool fallback) {
    auto v = env(var);
    if (!v || v->empty()) return fallback;
    auto s = strings::to_lower(*v);
    if (s == "1" || s == "true" || s == "yes" || s == "on") return true;
    if (s == "0" || s == "false" || s == "no" || s == "off") return false;
    throw ConfigError(var + ": must be 1 or 0");
}

std::pair<std::string, std::uint16_t> listen_address(const std::string& var, const std::string& value) {
    auto colon = value.rfind(':');
    if (colon == std::string::npos || colon == 0) throw ConfigError(var + ": must be host:port, e.g. 127.0.0.1:8080");
    std::string host = value.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    std::string port = value.substr(colon + 1);
    char* end = nullptr;
    long p = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || p < 0 || p > 65535) throw ConfigError(var + ": port must be 0-65535");
    return {host, static_cast<std::uint16_t>(p)};
}

void load_webhook_settings(const EnvLookup& env, Config& c) {
    c.webhook_allow_private = flag(env, "WEBHOOK_ALLOW_PRIVATE", false);
    c.webhook_allow_http = flag(env, "WEBHOOK_ALLOW_HTTP", false);
    c.webhook_timeout_seconds = static_cast<int>(integer(env, "WEBHOOK_TIMEOUT_SECONDS", 10, 1, 60));
    c.webhook_retry_base_seconds = static_cast<int>(integer(env, "WEBHOOK_RETRY_BASE_SECONDS", 60, 1, 3600));
    c.webhook_retry_max_age_seconds =
        static_cast<int>(integer(env, "WEBHOOK_RETRY_MAX_AGE_SECONDS", 21600, 1, 7 * 86400));
    c.webhook_threads = static_cast<int>(integer(env, "WEBHOOK_THREADS", 2, 1, 32));
}

void load_domain_settings(const EnvLookup& env, Config& c) {
    if (auto r = env("DNS_RESOLVER"); r && !r->empty()) {
        try {
            domains::validate_resolver_address(*r);
        } catch (const std::invalid_argument& e) {
            throw ConfigError(std::string("DNS_RESOLVER: must be ip:port, e.g. 127.0.0.1:53 (") + e.what() + ")");
        }
        c.dns_resolver = *r;
    }
    c.domain_recheck_seconds = static_cast<int>(integer(env, "DOMAIN_RECHECK_SECONDS", 3600, 0, 7 * 86400));
    c.dkim_signing = flag(env, "DKIM_SIGNING", true);
}

}  // namespace

EnvLookup process_env() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        if (!v) return std::nullopt;
        return std::string(v);
    };
}

void validate_jwt_secret(const std::string& secret) {
    static const std::array<const char*, 12> placeholders = {
        "changeme",        "change-me",  "change_me",  "secret",     "your-secret", "your-secret-here",
        "your_jwt_secret", "jwt-secret", "jwt_secret", "replace-me", "placeholder", "example"};
    auto lower = strings::to_lower(secret);
    for (auto* p : placeholders) {
        if (lower == p || lower.find(std::string(p) + std::string(p)) != std::string::npos)
            throw ConfigError("JWT_SECRET: is a known placeholder; generate one with: openssl rand -hex 32");
    }
    if (lower.find("changeme") != std::string::npos || lower.find("change-me") != std::string::npos ||
        lower.find("your-secret") != std::string::npos || lower.find("placeholder") != std::string::npos)
        throw ConfigError("JWT_SECRET: is a known placeholder; generate one with: openssl rand -hex 32");
    if (secret.size() < 32)
        throw ConfigError("JWT_SECRET: must be at least 32 bytes (got " + std::to_string(secret.size()) +
                          "); generate one with: openssl rand -hex 32");
    bool all_same = secret.find_first_not_of(secret[0]) == std::string::npos;
    if (all_same) throw ConfigError("JWT_SECRET: is one repeated character; use a random value");
}

std::pair<std::string, bool> log_settings(const EnvLookup& env) {
    auto level = strings::to_lower(plain(env, "LOG_LEVEL", "info"));
    if (level != "trace" && level != "debug" && level != "info" && level != "warn" && level != "error")
        throw ConfigError("LOG_LEVEL: must be one of trace, debug, info, warn, error");
    auto format = strings::to_lower(plain(env, "LOG_FORMAT", "json"));
    if (format != "json" && format != "text") throw ConfigError("LOG_FORMAT: must be json or text");
    return {level, format == "json"};
}

Config Config::load(const EnvLookup& env, Needs needs) {
    Config c;
    auto jwt = secret(env, "JWT_SECRET");
    if (needs.jwt_secret) {
        if (!jwt)
            throw ConfigError("JWT_SECRET: is required (or JWT_SECRET_FILE); generate one with: openssl rand -hex 32");
        validate_jwt_secret(*jwt);
        c.jwt_secret = *jwt;
    } else if (jwt) {
        c.jwt_secret = *jwt;
    }
    c.database_url = secret(env, "DATABASE_URL");
    c.database_app_url = secret(env, "DATABASE_APP_URL");
    c.database_platform_url = secret(env, "DATABASE_PLATFORM_URL");
    c.data_dir = plain(env, "DATA_DIR", "./var");
    std::tie(c.http_host, c.http_port) = listen_address("HTTP_LISTEN", plain(env, "HTTP_LISTEN", "127.0.0.1:8080"));
    std::tie(c.log_level, c.log_json) = log_settings(env);
    c.web_root = plain(env, "WEB_ROOT", "");
    c.trusted_proxies = plain(env, "TRUSTED_PROXIES", "");
    try {
        http::TrustedProxies::parse(c.trusted_proxies);
    } catch (const std::invalid_argument& e) {
        throw ConfigError(std::string("TRUSTED_PROXIES: ") + e.what() + "; give CIDR ranges, e.g. 10.0.0.0/16");
    }
    c.db_pool_size = static_cast<int>(integer(env, "DB_POOL_SIZE", 12, 2, 500));
    c.http_threads = static_cast<int>(integer(env, "HTTP_HANDLER_THREADS", 8, 1, 256));
    c.max_body_bytes = static_cast<std::size_t>(integer(env, "HTTP_MAX_BODY_BYTES", 1 << 20, 1024, 1L << 30));
    c.http_idle_timeout_seconds = static_cast<int>(integer(env, "HTTP_IDLE_TIMEOUT_SECONDS", 60, 1, 3600));
    c.http_body_timeout_seconds = static_cast<int>(integer(env, "HTTP_BODY_TIMEOUT_SECONDS", 30, 1, 3600));
    c.mail_domain = strings::to_lower(plain(env, "MAIL_DOMAIN", "dispatchhub.localhost"));
    c.platform_sender = plain(env, "PLATFORM_SENDER", "support@" + c.mail_domain);
    if (!mail::is_valid_address(c.platform_sender))
        throw ConfigError("PLATFORM_SENDER: must be a plain email address, e.g. support@example.com");
    c.platform_sender_name = plain(env, "PLATFORM_SENDER_NAME", c.platform_sender_name);
    if (strings::has_line_break_or_nul(c.platform_sender_name) || c.platform_sender_name.size() > 100)
        throw ConfigError("PLATFORM_SENDER_NAME: must be one line of at most 100 bytes");
    auto smtp_listen = plain(env, "SMTP_LISTEN", "127.0.0.1:2525");
    if (strings::to_lower(smtp_listen) == "off" || smtp_listen == "0") {
        c.smtp_listen_enabled = false;
    } else {
        std::tie(c.smtp_listen_host, c.smtp_listen_port) = listen_address("SMTP_LISTEN", smtp_listen);
    }
    c.smtp_tls_cert = plain(env, "SMTP_TLS_CERT", "");
    c.smtp_tls_key = plain(env, "SMTP_TLS_KEY", "");
    if (c.smtp_tls_cert.empty() != c.smtp_tls_key.empty())
        throw ConfigError("SMTP_TLS_CERT and SMTP_TLS_KEY: set both (STARTTLS) or neither");
    c.smtp_max_message_bytes =
        static_cast<std::size_t>(integer(env, "SMTP_MAX_MESSAGE_BYTES", 25L << 20, 1024, 1L << 30));
    c.smtp_max_sessions = static_cast<int>(integer(env, "SMTP_MAX_SESSIONS", 100, 1, 10000));
    auto bare_lf = strings::to_lower(plain(env, "SMTP_BARE_LF", "normalize"));
    if (bare_lf != "normalize" && bare_lf != "reject") throw ConfigError("SMTP_BARE_LF: must be normalize or reject");
    c.smtp_normalize_bare_lf = bare_lf == "normalize";
    c.sns_ca_file = plain(env, "SNS_CA_FILE", "");
    c.sns_cert_host_pattern = plain(env, "SNS_CERT_HOST_PATTERN", c.sns_cert_host_pattern);
    c.sns_cert_file = plain(env, "SNS_CERT_FILE", "");
    c.smtp_url = secret(env, "SMTP_URL");
    if (c.smtp_url) mail::SmtpUrl::parse(*c.smtp_url);  // a bad relay URL fails at start, naming SMTP_URL
    c.worker_embedded = flag(env, "WORKER_EMBEDDED", true);
    c.worker_lease_seconds = static_cast<int>(integer(env, "WORKER_LEASE_SECONDS", 60, 5, 3600));
    c.worker_batch = static_cast<int>(integer(env, "WORKER_BATCH", 100, 1, 5000));
    c.send_rate_per_second = number(env, "SEND_RATE_PER_SECOND", 0);
    c.worker_connections = static_cast<int>(integer(env, "WORKER_CONNECTIONS", 20, 1, 500));
    c.retry_base_seconds = static_cast<int>(integer(env, "RETRY_BASE_SECONDS", 60, 1, 86400));
    c.retry_max_age_seconds = static_cast<int>(integer(env, "RETRY_MAX_AGE_SECONDS", 86400, 1, 30 * 86400));
    c.cookie_secure = flag(env, "COOKIE_SECURE", true);
    c.auth_cache_seconds = static_cast<int>(integer(env, "AUTH_CACHE_SECONDS", 10, 0, 300));
    c.billing_close_interval_seconds =
        static_cast<int>(integer(env, "BILLING_CLOSE_INTERVAL_SECONDS", 3600, 0, 7 * 86400));
    load_webhook_settings(env, c);
    load_domain_settings(env, c);
    return c;
}

}  // namespace dh
