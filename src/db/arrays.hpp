#pragma once
#include <optional>
#include <string>
#include <vector>

namespace dh::db {

/// A PostgreSQL array literal ('{"a","b",NULL}') for a text[] (or uuid[]) parameter: every element
/// quoted and escaped, so any text can travel in one parameter; nullopt becomes NULL.
std::string text_array(const std::vector<std::optional<std::string>>& items);
std::string text_array(const std::vector<std::string>& items);

}  // namespace dh::db
