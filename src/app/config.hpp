#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace dh {

/// A configuration problem: one line that names the variable, never its (possibly secret) value.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Reads one environment variable; tests pass a map instead of the real environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

/// LOG_LEVEL and LOG_FORMAT (level, json?): read before anything else, so that every line follows
/// them, those written while secrets are fetched at start included. Throws ConfigError.
std::pair<std::string, bool> log_settings(const EnvLookup& env);

/// Everything DispatchHub reads from the environment, validated once at start.
struct Config {
    std::string jwt_secret;                   // JWT_SECRET / JWT_SECRET_FILE
    std::optional<std::string> database_url;  // DATABASE_URL / DATABASE_URL_FILE; unset = embedded cluster
    // DATABASE_APP_URL / DATABASE_PLATFORM_URL (or _FILE): the logins for tenant-scoped and for
    // platform-scope work; unset = the logins `migrate` created and recorded (src/db/logins.hpp)
    std::optional<std::string> database_app_url;
    std::optional<std::string> database_platform_url;
    std::string data_dir = "./var";  // DATA_DIR
    std::string http_host = "127.0.0.1";
    std::uint16_t http_port = 8080;        // HTTP_LISTEN host:port
    std::string log_level = "info";        // LOG_LEVEL
    bool log_json = true;                  // LOG_FORMAT json|text
    std::string web_root;                  // WEB_ROOT; empty = look for web/dist
    std::string trusted_proxies;           // TRUSTED_PROXIES: CIDR list whose X-Forwarded-For is believed; empty = none
    int db_pool_size = 12;                 // DB_POOL_SIZE
    int http_threads = 8;                  // HTTP_HANDLER_THREADS: threads that run handlers (blocking DB work)
    std::size_t max_body_bytes = 1 << 20;  // HTTP_MAX_BODY_BYTES for JSON requests
    int http_idle_timeout_seconds = 60;    // HTTP_IDLE_TIMEOUT_SECONDS
    int http_body_timeout_seconds = 30;    // HTTP_BODY_TIMEOUT_SECONDS: to send the body after the headers
    std::string mail_domain = "dispatchhub.localhost";  // MAIL_DOMAIN
    std::string platform_sender;  // PLATFORM_SENDER: From of ticket notifications; default support@MAIL_DOMAIN
    std::string platform_sender_name = "DispatchHub Support";  // PLATFORM_SENDER_NAME
    std::string smtp_listen_host = "127.0.0.1";
    std::uint16_t smtp_listen_port = 2525;  // SMTP_LISTEN host:port, "off" disables
    bool smtp_listen_enabled = true;
    std::string smtp_tls_cert;  // SMTP_TLS_CERT / SMTP_TLS_KEY: PEM files; both set enables STARTTLS
    std::string smtp_tls_key;
    std::size_t smtp_max_message_bytes = 25u << 20;  // SMTP_MAX_MESSAGE_BYTES
    int smtp_max_sessions = 100;                     // SMTP_MAX_SESSIONS: concurrent inbound sessions
    bool smtp_normalize_bare_lf = true;              // SMTP_BARE_LF: normalize (default) | reject
    std::string sns_ca_file;  // SNS_CA_FILE: trusted roots for SNS signing certificates (empty: system)
    std::string sns_cert_host_pattern = R"(^sns\.[a-z0-9-]+\.amazonaws\.com$)";  // SNS_CERT_HOST_PATTERN
    std::string sns_cert_file;            // SNS_CERT_FILE: serve the signing certificate from a file (tests, air gap)
    std::optional<std::string> smtp_url;  // SMTP_URL; unset = capture transport
    bool worker_embedded = true;          // WORKER_EMBEDDED
    int worker_lease_seconds = 60;        // WORKER_LEASE_SECONDS
    int worker_batch = 100;               // WORKER_BATCH: deliveries claimed per batch (per worker thread)
    double send_rate_per_second = 0;      // SEND_RATE_PER_SECOND (0 = unlimited globally)
    int worker_connections = 20;          // WORKER_CONNECTIONS
    int retry_base_seconds = 60;          // RETRY_BASE_SECONDS
    int retry_max_age_seconds = 86400;    // RETRY_MAX_AGE_SECONDS
    bool cookie_secure = true;            // COOKIE_SECURE (0 only for plain-HTTP development behind no TLS)
    int auth_cache_seconds = 10;          // AUTH_CACHE_SECONDS (0 = every request reads its user or API key)
    int billing_close_interval_seconds = 3600;  // BILLING_CLOSE_INTERVAL_SECONDS (0 = only `admin close-period`)
    bool webhook_allow_private = false;         // WEBHOOK_ALLOW_PRIVATE: loopback/private targets (tests only)
    bool webhook_allow_http = false;            // WEBHOOK_ALLOW_HTTP: plain http:// targets (tests only)
    int webhook_timeout_seconds = 10;           // WEBHOOK_TIMEOUT_SECONDS per request
    int webhook_retry_base_seconds = 60;        // WEBHOOK_RETRY_BASE_SECONDS: first retry delay, doubling
    int webhook_retry_max_age_seconds = 21600;  // WEBHOOK_RETRY_MAX_AGE_SECONDS: then given up
    int webhook_threads = 2;                    // WEBHOOK_THREADS per worker process
    std::optional<std::string> dns_resolver;    // DNS_RESOLVER ip:port for domain lookups; unset = resolv.conf
    int domain_recheck_seconds = 3600;          // DOMAIN_RECHECK_SECONDS (0 = only "Check now")
    bool dkim_signing = true;                   // DKIM_SIGNING on|off (off: the relay signs)

    struct Needs {
        bool jwt_secret = false;  ///< serve needs it; migrate and admin do not
    };
    /// Reads and validates the environment; throws ConfigError naming the first bad variable.
    static Config load(const EnvLookup& env, Needs needs);
};

/// Rejects a JWT secret that is short or a well-known placeholder.
void validate_jwt_secret(const std::string& secret);

}  // namespace dh
