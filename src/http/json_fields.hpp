#pragma once
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>

namespace dh::http {

/// A JSON string, or null for none: the one spelling of an optional text member in every answer.
inline nlohmann::json opt_json(const std::optional<std::string>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json();
}

/// Typed, validated access to the members of a JSON request object. Every failure is a 422
/// problem naming the field (with `prefix`, e.g. "contacts[0].email").
class JsonFields {
public:
    explicit JsonFields(const nlohmann::json& object, std::string prefix = {});

    bool has(const std::string& key) const;
    /// A required, non-empty string (trimmed of nothing: callers decide), at most `max_len` bytes,
    /// valid UTF-8, without NUL.
    std::string text(const std::string& key, std::size_t max_len = 1000) const;
    std::optional<std::string> opt_text(const std::string& key, std::size_t max_len = 1000) const;
    std::optional<bool> opt_bool(const std::string& key) const;
    std::optional<std::int64_t> opt_int(const std::string& key, std::int64_t min, std::int64_t max) const;
    /// Refuses members not in `allowed` (mass assignment, typos).
    void only(std::initializer_list<const char*> allowed) const;
    void only(std::span<const char* const> allowed) const;
    std::string name(const std::string& key) const { return prefix_.empty() ? key : prefix_ + "." + key; }

private:
    const nlohmann::json& object_;
    std::string prefix_;
};

}  // namespace dh::http
