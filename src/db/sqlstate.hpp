#pragma once
#include <string>

#include "common/error.hpp"

namespace dh::db {

/// The one place where PostgreSQL SQLSTATE codes become DispatchHub errors.
/// `message` is the server's primary message (kept as internal detail, never sent to clients).
Error error_from_sqlstate(const std::string& sqlstate, const std::string& message, const std::string& constraint);

/// True for serialization failures and deadlocks, which a transaction may simply retry.
bool is_retryable_sqlstate(const std::string& sqlstate);

}  // namespace dh::db
