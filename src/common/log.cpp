#include "common/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

namespace dh::log {
namespace {

Format g_format = Format::json;

std::string timestamp() {
    auto now = std::chrono::system_clock::now();
    auto secs = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return fmt::format("{}.{:03d}Z", buf, ms);
}

void emit(spdlog::level::level_enum level, std::string_view level_name, std::string_view msg,
          const nlohmann::json& fields) {
    auto logger = spdlog::default_logger_raw();
    if (!logger->should_log(level)) return;
    std::string line;
    if (g_format == Format::json) {
        nlohmann::json j = {{"ts", timestamp()}, {"level", level_name}, {"msg", msg}};
        if (fields.is_object())
            for (auto& [k, v] : fields.items()) j[k] = v;
        line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
        line = fmt::format("{} {:<5} {}", timestamp(), level_name, msg);
        if (fields.is_object())
            for (auto& [k, v] : fields.items())
                line += " " + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
    }
    logger->log(level, "{}", line);
}

}  // namespace

void init(std::string_view level, Format format) {
    g_format = format;
    auto logger = spdlog::stderr_logger_mt("dispatchhub");
    logger->set_pattern("%v");
    logger->set_level(spdlog::level::from_str(std::string(level)));
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

bool info_enabled() {
    return spdlog::default_logger_raw()->should_log(spdlog::level::info);
}

void info(std::string_view msg, const nlohmann::json& fields) {
    emit(spdlog::level::info, "info", msg, fields);
}
void warn(std::string_view msg, const nlohmann::json& fields) {
    emit(spdlog::level::warn, "warn", msg, fields);
}
void error(std::string_view msg, const nlohmann::json& fields) {
    emit(spdlog::level::err, "error", msg, fields);
}
void debug(std::string_view msg, const nlohmann::json& fields) {
    emit(spdlog::level::debug, "debug", msg, fields);
}

}  // namespace dh::log
