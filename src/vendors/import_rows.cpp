#include "vendors/import_rows.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/strings.hpp"
#include "vendors/address.hpp"
#include "vendors/vendor_rules.hpp"

namespace dh::vendors {
namespace {

bool known_field(const std::string& f) {
    return std::find(kCsvColumns.begin(), kCsvColumns.end(), f) != kCsvColumns.end();
}

struct RowError {
    std::string field;
    std::string reason;
};

std::string cell(const CsvRecord& r, const ColumnMap& m, const std::string& field) {
    auto i = m.at(field);
    if (!i) return {};
    std::string v = strip_formula_guard(r.fields[*i]);
    return field == "notes" ? v : strings::trim(v);
}

std::optional<std::string> checked(const std::string& value, const std::string& field, std::size_t max,
                                   bool multiline = false) {
    if (value.empty()) return std::nullopt;
    if (auto p = rules::text_problem(value, max, multiline); !p.empty()) throw RowError{field, p};
    return value;
}

void fill(const CsvRecord& r, const ColumnMap& m, ImportRow& out) {
    out.code = checked(cell(r, m, "code"), "code", rules::kMaxCode);
    out.name = cell(r, m, "name");
    if (out.name.empty()) throw RowError{"name", "is required"};
    checked(out.name, "name", rules::kMaxName);
    out.category = checked(cell(r, m, "category"), "category", rules::kMaxCategory);
    out.status = checked(strings::to_lower(cell(r, m, "status")), "status", 20);
    if (out.status && !rules::valid_status(*out.status)) throw RowError{"status", "must be active or inactive"};
    std::string problem;
    out.tags = rules::clean_tags(rules::split_multi(cell(r, m, "tags")), problem);
    if (!problem.empty()) throw RowError{"tags", problem};
    out.notes = checked(cell(r, m, "notes"), "notes", rules::kMaxNotes, true);
    for (auto& [index, key] : m.custom) {
        std::string v = strip_formula_guard(r.fields[index]);
        if (!v.empty()) out.custom[key] = std::move(v);
    }
    // The same limits as POST /api/v1/vendors: a row may not store what the API would refuse.
    if (auto p = rules::custom_fields_problem(out.custom, "custom")) throw RowError{p.field, p.reason};
    for (auto& list : rules::split_multi(cell(r, m, "list"))) {
        if (auto p = rules::text_problem(list, rules::kMaxListName); !p.empty()) throw RowError{"list", p};
        out.lists.push_back(list);
    }
    auto email = cell(r, m, "email");
    out.contact_name = checked(cell(r, m, "contact_name"), "contact_name", rules::kMaxName);
    out.role = checked(cell(r, m, "role"), "role", rules::kMaxRole);
    if (email.empty()) {
        if (out.contact_name || out.role) throw RowError{"email", "is required for a contact"};
        return;
    }
    auto a = check_address(email);
    if (!a.ok) throw RowError{"email", "not a valid email address: " + a.reason};
    out.email = a.address;
}

bool blank(const CsvRecord& r) {
    return std::all_of(r.fields.begin(), r.fields.end(), [](const std::string& f) { return strings::trim(f).empty(); });
}

}  // namespace

std::optional<ImportRowError> SeenCodes::check(const ImportRow& row) {
    if (!row.code) return std::nullopt;
    auto name = strings::to_lower(row.name);
    auto [it, fresh] = first_.try_emplace(*row.code, FirstRow{row.row, name, row.name});
    if (fresh || it->second.name_key == name) return std::nullopt;
    return ImportRowError{row.row, "code",
                          "repeats the code " + *row.code + " of row " + std::to_string(it->second.row) + " (\"" +
                              it->second.name + "\") with another vendor name; use a code of its own"};
}

std::optional<std::size_t> ColumnMap::at(const std::string& field) const {
    auto it = fields.find(field);
    if (it == fields.end()) return std::nullopt;
    return it->second;
}

ColumnMap map_header(const std::vector<std::string>& header, const std::map<std::string, std::string>& mapping) {
    std::map<std::string, std::string> renames;  // lower-cased header cell -> target as given
    for (auto& [from, to] : mapping) renames[strings::to_lower(strings::trim(from))] = strings::trim(to);
    ColumnMap m;
    m.width = header.size();
    std::map<std::string, bool> seen;
    for (std::size_t i = 0; i < header.size(); ++i) {
        std::string name = strings::trim(header[i]);
        if (auto it = renames.find(strings::to_lower(name)); it != renames.end()) name = it->second;
        if (name.empty()) continue;  // mapped away (or a nameless column)
        auto lower = strings::to_lower(name);
        if (seen[lower]) throw Error::invalid_field("header", "the column \"" + name + "\" appears twice");
        seen[lower] = true;
        if (lower.rfind("custom.", 0) == 0) {
            auto key = name.substr(7);
            if (!rules::valid_custom_key(key))
                throw Error::invalid_field("header", "\"" + name + "\": custom field names use letters, digits and _");
            m.custom.emplace_back(i, key);
        } else if (known_field(lower)) {
            m.fields[lower] = i;
        } else {
            throw Error::invalid_field("header",
                                       "unknown column \"" + name.substr(0, 80) +
                                           "\" (rename it with the mapping parameter, or map it to \"\" to skip it)");
        }
    }
    if (!m.at("name")) throw Error::invalid_field("header", "a name column is required");
    return m;
}

RowKind parse_row(const ColumnMap& columns, const CsvRecord& record, ImportRow& out, ImportRowError& error) {
    error = {record.row, "", ""};
    if (!record.error.empty()) {
        error.reason = record.error;
        return RowKind::error;
    }
    if (blank(record)) return RowKind::blank;
    if (record.fields.size() != columns.width) {
        error.reason =
            "has " + std::to_string(record.fields.size()) + " fields, the header has " + std::to_string(columns.width);
        return RowKind::error;
    }
    out = ImportRow{};
    out.row = record.row;
    try {
        fill(record, columns, out);
    } catch (const RowError& e) {
        error.field = e.field;
        error.reason = e.reason;
        return RowKind::error;
    }
    return RowKind::row;
}

}  // namespace dh::vendors
