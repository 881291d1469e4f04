#pragma once
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace dh::db {

/// A PostgreSQL array literal ('{"a","b",NULL}') for a text[] (or uuid[]) parameter: every element
/// quoted and escaped, so any text can travel in one parameter; nullopt becomes NULL.
std::string text_array(const std::vector<std::optional<std::string>>& items);
std::string text_array(const std::vector<std::string>& items);

/// The array literal of one field of each item, e.g. text_array_of(rows, [](auto& r) { return r.id; }).
/// A field of type std::optional<std::string> gives NULL elements.
template <class T, class Field>
std::string text_array_of(const std::vector<T>& items, Field field) {
    std::vector<std::decay_t<std::invoke_result_t<Field, const T&>>> values;
    values.reserve(items.size());
    for (auto& item : items) values.push_back(field(item));
    return text_array(values);
}

}  // namespace dh::db
