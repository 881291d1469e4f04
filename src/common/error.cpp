#include "common/error.hpp"

namespace dh {

Error::Error(ErrorKind kind, std::string code, std::string message, std::string detail)
    : std::runtime_error(message),
      kind_(kind),
      code_(std::move(code)),
      message_(std::move(message)),
      detail_(std::move(detail)) {}

Error& Error::with(const std::string& key, Value value) {
    extensions_[key] = std::move(value);
    return *this;
}

Error& Error::item(std::map<std::string, Value> entry) {
    items_.push_back(std::move(entry));
    return *this;
}

Error Error::invalid_field(const std::string& field, const std::string& reason) {
    Error e(ErrorKind::unprocessable, "validation_failed", field + ": " + reason);
    e.with("field", field);
    e.item({{"field", field}, {"reason", reason}});
    return e;
}

Error Error::not_found(const std::string& what) {
    return Error(ErrorKind::not_found, "not_found", what + " not found.");
}

Error Error::conflict(const std::string& code, const std::string& message) {
    return Error(ErrorKind::conflict, code, message);
}

Error Error::forbidden(const std::string& message) {
    return Error(ErrorKind::forbidden, "forbidden", message);
}

Error Error::unauthenticated(const std::string& message) {
    return Error(ErrorKind::unauthenticated, "unauthenticated", message);
}

Error Error::bad_request(const std::string& code, const std::string& message) {
    return Error(ErrorKind::bad_request, code, message);
}

int http_status(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::bad_request:
            return 400;
        case ErrorKind::unauthenticated:
            return 401;
        case ErrorKind::forbidden:
            return 403;
        case ErrorKind::not_found:
            return 404;
        case ErrorKind::method_not_allowed:
            return 405;
        case ErrorKind::conflict:
            return 409;
        case ErrorKind::payload_too_large:
            return 413;
        case ErrorKind::unsupported_media_type:
            return 415;
        case ErrorKind::unprocessable:
            return 422;
        case ErrorKind::quota_exceeded:
            return 422;  // retrying will not help: not 429
        case ErrorKind::too_many_requests:
            return 429;
        case ErrorKind::unavailable:
            return 503;
        case ErrorKind::internal:
            return 500;
    }
    return 500;
}

const char* http_title(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::bad_request:
            return "Bad Request";
        case ErrorKind::unauthenticated:
            return "Unauthorized";
        case ErrorKind::forbidden:
            return "Forbidden";
        case ErrorKind::not_found:
            return "Not Found";
        case ErrorKind::method_not_allowed:
            return "Method Not Allowed";
        case ErrorKind::conflict:
            return "Conflict";
        case ErrorKind::payload_too_large:
            return "Content Too Large";
        case ErrorKind::unsupported_media_type:
            return "Unsupported Media Type";
        case ErrorKind::unprocessable:
            return "Unprocessable Content";
        case ErrorKind::quota_exceeded:
            return "Quota Exceeded";
        case ErrorKind::too_many_requests:
            return "Too Many Requests";
        case ErrorKind::unavailable:
            return "Service Unavailable";
        case ErrorKind::internal:
            return "Internal Server Error";
    }
    return "Error";
}

}  // namespace dh
