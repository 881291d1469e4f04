#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace dh::log {

enum class Format { json, text };

/// Configures the process-wide logger (stderr). Level names: trace, debug, info, warn, error.
void init(std::string_view level, Format format);

/// Whether info events are written: a caller whose fields cost something to build asks first.
bool info_enabled();

/// One structured event: a message plus fields, one line. Never pass secrets in `fields`.
void info(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object());
void warn(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object());
void error(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object());
void debug(std::string_view msg, const nlohmann::json& fields = nlohmann::json::object());

}  // namespace dh::log
