#pragma once
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace dh {

/// Protocol-neutral error categories; the HTTP layer maps each to one status code.
enum class ErrorKind {
    bad_request,      // malformed input (syntax)
    unauthenticated,  // no or bad credentials
    forbidden,        // authenticated, not allowed
    not_found,
    method_not_allowed,
    conflict,  // uniqueness, state conflicts
    payload_too_large,
    unsupported_media_type,
    unprocessable,  // well-formed but invalid (validation)
    quota_exceeded,
    too_many_requests,
    unavailable,  // dependency down (database), retry later
    internal,
};

/// The single error type of rules and storage. `code` is stable and machine-readable
/// (e.g. "validation_failed", "tenant_suspended"); `message` is safe to show to clients;
/// `detail` is internal (logged, never sent). Extensions become problem+json members.
class Error : public std::runtime_error {
public:
    using Value = std::variant<std::int64_t, std::string, bool>;

    Error(ErrorKind kind, std::string code, std::string message, std::string detail = {});

    ErrorKind kind() const { return kind_; }
    const std::string& code() const { return code_; }
    const std::string& message() const { return message_; }
    const std::string& detail() const { return detail_; }
    const std::map<std::string, Value>& extensions() const { return extensions_; }
    const std::vector<std::map<std::string, Value>>& items() const { return items_; }

    Error& with(const std::string& key, Value value);
    /// Adds one entry to the problem's "errors" array (e.g. a per-field validation failure).
    Error& item(std::map<std::string, Value> entry);

    // Shorthands for the common cases.
    static Error invalid_field(const std::string& field, const std::string& reason);
    static Error not_found(const std::string& what);
    static Error conflict(const std::string& code, const std::string& message);
    static Error forbidden(const std::string& message = "You are not allowed to do this.");
    static Error unauthenticated(const std::string& message = "Authentication required.");
    static Error bad_request(const std::string& code, const std::string& message);

private:
    ErrorKind kind_;
    std::string code_;
    std::string message_;
    std::string detail_;
    std::map<std::string, Value> extensions_;
    std::vector<std::map<std::string, Value>> items_;
};

/// HTTP status code of an error kind.
int http_status(ErrorKind kind);
/// Short human title of an error kind ("Not Found").
const char* http_title(ErrorKind kind);

}  // namespace dh
