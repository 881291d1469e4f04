#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace dh::http {

/// Writes JSON text straight into a string, for the answers built on every request of a hot list
/// (the inbox page: 50 messages of 20+ members). Building an nlohmann::json tree first costs a map
/// node and a string per member, and dumping it walks the tree again; on the inbox page that was
/// most of the server's CPU. Strings are escaped exactly as nlohmann-json escapes them (non-ASCII
/// kept as UTF-8, invalid UTF-8 replaced by U+FFFD): a string that needs escaping is handed to it.
///
/// The caller writes a well-formed document: key() only inside an object, each key followed by one
/// value. Commas are placed by the writer.
class JsonWriter {
public:
    explicit JsonWriter(std::string& out) : out_(out) {}

    JsonWriter& begin_object() { return open('{'); }
    JsonWriter& end_object() { return close('}'); }
    JsonWriter& begin_array() { return open('['); }
    JsonWriter& end_array() { return close(']'); }
    /// A member's name: a constant of the API (plain ASCII, nothing to escape).
    JsonWriter& key(std::string_view name);
    /// A member's name that comes from data (e.g. a custom field's name): escaped like a string.
    JsonWriter& key_escaped(std::string_view name);

    JsonWriter& string(std::string_view value);
    JsonWriter& string(const std::string& value) { return string(std::string_view(value)); }
    JsonWriter& string(const char* value) { return string(std::string_view(value)); }
    /// The string, or null when absent.
    JsonWriter& string(const std::optional<std::string>& value);
    JsonWriter& number(long long value);
    /// A double would be cut to an integer by number(): it must go through fraction().
    template <class T>
    requires std::is_floating_point_v<T> JsonWriter& number(T) = delete;
    /// A fraction, written as nlohmann-json writes a double (1.0, 0.25).
    JsonWriter& fraction(double value);
    /// A value that is JSON text already, as PostgreSQL's json functions and jsonb output produce it.
    JsonWriter& json_text(std::string_view value);
    JsonWriter& boolean(bool value);
    JsonWriter& null();

private:
    void separate();
    JsonWriter& open(char bracket);
    JsonWriter& close(char bracket);
    void quoted(std::string_view value);
    std::string& out_;
    bool first_ = true;  ///< nothing written yet in the current object or array, or a key just written
};

}  // namespace dh::http
