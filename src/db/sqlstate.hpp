#pragma once
#include <string>

#include "common/error.hpp"

namespace dh::db {

/// The one place where PostgreSQL SQLSTATE codes become DispatchHub errors.
/// `message` is the server's primary message (kept as internal detail, never sent to clients).
///
/// The one exception is SQLSTATE DH409, a refusal that a rule function of the migrations raises on
/// purpose (e.g. dh_require_vendor_room): its constraint name is the error's code, its message is
/// written for the client, and its detail is the limit that was reached (the problem's `limit`).
Error error_from_sqlstate(const std::string& sqlstate, const std::string& message, const std::string& constraint,
                          const std::string& detail = {});

/// True for serialization failures and deadlocks, which a transaction may simply retry.
bool is_retryable_sqlstate(const std::string& sqlstate);

}  // namespace dh::db
