#include "db/sqlstate.hpp"

#include <charconv>
#include <cstdint>

namespace dh::db {

namespace {

constexpr const char* kRuleRefusal = "DH409";

Error rule_refusal(const std::string& message, const std::string& code, const std::string& limit) {
    Error e(ErrorKind::conflict, code.empty() ? "conflict" : code, message);
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), value);
    if (ec == std::errc() && end == limit.data() + limit.size() && !limit.empty()) e.with("limit", value);
    return e;
}

}  // namespace

Error error_from_sqlstate(const std::string& sqlstate, const std::string& message, const std::string& constraint,
                          const std::string& detail) {
    if (sqlstate == kRuleRefusal) return rule_refusal(message, constraint, detail);
    auto cls = sqlstate.substr(0, 2);
    if (sqlstate == "23505") {
        Error e(ErrorKind::conflict, "already_exists", "An object with the same unique value already exists.", message);
        if (!constraint.empty()) e.with("constraint", constraint);
        return e;
    }
    if (sqlstate == "23503")
        return Error(ErrorKind::unprocessable, "reference_not_found", "A referenced object does not exist.", message);
    if (sqlstate == "23514" || sqlstate == "23502" || sqlstate == "22001")
        return Error(ErrorKind::unprocessable, "validation_failed", "A value is not allowed.", message);
    if (sqlstate == "22P02" || sqlstate == "22007" || sqlstate == "22008" || sqlstate == "22003")
        return Error(ErrorKind::bad_request, "invalid_value", "A value has the wrong format.", message);
    // Row-level security refusing a write, or a missing grant: the tenant boundary held.
    if (sqlstate == "42501") return Error(ErrorKind::not_found, "not_found", "Not found.", message);
    if (sqlstate == "40001" || sqlstate == "40P01")
        return Error(ErrorKind::conflict, "concurrent_update", "The object changed concurrently; try again.", message);
    if (sqlstate == "57014") return Error(ErrorKind::unavailable, "timeout", "The database took too long.", message);
    if (cls == "08" || cls == "57" || cls == "53" || sqlstate.empty())
        return Error(ErrorKind::unavailable, "database_unavailable", "The database is not reachable; try again.",
                     message);
    return Error(ErrorKind::internal, "internal", "Internal error.", sqlstate + ": " + message);
}

bool is_retryable_sqlstate(const std::string& sqlstate) {
    return sqlstate == "40001" || sqlstate == "40P01";
}

}  // namespace dh::db
