#pragma once
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vendors/vendor.hpp"

namespace dh::vendors::rules {

constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxCode = 64;
constexpr std::size_t kMaxCategory = 100;
constexpr std::size_t kMaxTag = 50;
constexpr std::size_t kMaxTags = 50;
constexpr std::size_t kMaxNotes = 10000;
constexpr std::size_t kMaxCustomKey = 64;
constexpr std::size_t kMaxCustomValue = 1000;
constexpr std::size_t kMaxCustomFields = 100;
constexpr std::size_t kMaxRole = 100;
constexpr std::size_t kMaxContacts = 100;
constexpr std::size_t kMaxListName = 200;
constexpr std::size_t kMaxDescription = 2000;

/// Empty when `value` is valid UTF-8 of at most `max` characters without control characters
/// (line breaks allowed only when `multiline`), otherwise the reason.
std::string text_problem(std::string_view value, std::size_t max, bool multiline = false);
/// Trims blanks; an empty result becomes nullopt (optional text fields).
std::optional<std::string> blank_to_null(std::string_view value);
/// Merge-field keys: letters, digits and _, not starting with a digit.
bool valid_custom_key(std::string_view key);
bool valid_status(std::string_view status);
/// Trimmed, de-duplicated tags; empty string or the reason in `problem`.
std::vector<std::string> clean_tags(const std::vector<std::string>& tags, std::string& problem);
/// Splits a CSV multi-value cell ("a; b") into trimmed non-empty parts.
std::vector<std::string> split_multi(std::string_view cell);
/// SQL LIKE pattern matching `q` as a substring (%, _ and \ escaped).
std::string like_pattern(std::string_view q);

/// A rule broken by one field of a vendor: which field and why (empty reason: none broken).
struct FieldProblem {
    std::string field;
    std::string reason;
    explicit operator bool() const { return !reason.empty(); }
};

/// The API's limits on a vendor's custom fields (how many, key syntax, value length), shared by
/// the JSON API and the CSV import. `prefix` names the fields: "custom_fields" in JSON bodies,
/// "custom" for the CSV's custom.<key> columns.
FieldProblem custom_fields_problem(const std::map<std::string, std::string>& fields, const std::string& prefix);

/// Validates a whole vendor (after defaults are applied); throws Error::invalid_field naming the
/// field, e.g. "contacts[0].email". Normalizes contact emails and picks a primary contact.
void validate_vendor(Vendor& vendor);
void validate_contact(Contact& contact, const std::string& field_prefix);

}  // namespace dh::vendors::rules
