#pragma once
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vendors/csv.hpp"
#include "vendors/vendor.hpp"

namespace dh::vendors {

/// The CSV columns of imports and exports (custom fields are "custom.<key>" columns).
inline const std::vector<std::string> kCsvColumns = {"code",  "name",  "category",     "status", "tags",
                                                     "notes", "email", "contact_name", "role",   "list"};

/// Where each field is in a row; built from the header row.
struct ColumnMap {
    std::size_t width = 0;
    std::map<std::string, std::size_t> fields;                ///< field name -> column index
    std::vector<std::pair<std::size_t, std::string>> custom;  ///< column index -> custom key
    std::optional<std::size_t> at(const std::string& field) const;
};

/// Maps header cells (trimmed, case-insensitive) to fields. `mapping` renames header cells first
/// ({"Vendor Name": "name", "Internal": ""} - an empty target ignores the column). Throws
/// Error::invalid_field("header", ...) for an unknown or repeated column or a missing name column.
ColumnMap map_header(const std::vector<std::string>& header, const std::map<std::string, std::string>& mapping);

/// One valid data row, normalized (trimmed cells, email normalized, formula guards removed).
struct ImportRow {
    std::size_t row = 0;
    std::optional<std::string> code;
    std::string name;
    std::optional<std::string> category;
    std::optional<std::string> status;
    std::vector<std::string> tags;
    std::optional<std::string> notes;
    std::map<std::string, std::string> custom;
    std::vector<std::string> lists;
    std::optional<std::string> email;
    std::optional<std::string> contact_name;
    std::optional<std::string> role;
};

enum class RowKind { row, blank, error };

/// Classifies one record: a valid row (in `out`), a blank line, or an error (in `error`).
RowKind parse_row(const ColumnMap& columns, const CsvRecord& record, ImportRow& out, ImportRowError& error);

/// The vendor codes seen so far in one file. A later row repeating a code is an error of that row
/// (field "code") when it names another vendor; with the same name (in any letter case) it is one
/// more row of that vendor, which is how a file lists a vendor's further contacts.
class SeenCodes {
public:
    /// nullopt when the row may be applied; otherwise its error. Remembers the first row of a code.
    std::optional<ImportRowError> check(const ImportRow& row);

private:
    struct FirstRow {
        std::size_t row = 0;
        std::string name_key;  ///< lower-cased name
        std::string name;
    };
    std::unordered_map<std::string, FirstRow> first_;
};

}  // namespace dh::vendors
