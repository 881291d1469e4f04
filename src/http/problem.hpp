#pragma once
#include "common/error.hpp"
#include "http/message.hpp"

namespace dh::http {

/// The one mapper from errors to RFC 9457 application/problem+json responses.
Response problem(const Error& error, const std::string& request_id);

}  // namespace dh::http
