#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dh::vendors {

/// A contact person of a vendor. `email` is normalized (see address.hpp).
struct Contact {
    std::string id;
    std::string name;
    std::string email;
    std::optional<std::string> role;  ///< e.g. "ap", "ops"
    bool primary = false;
};

struct ListRef {
    std::string id;
    std::string name;
};

struct Vendor {
    std::string id;
    std::string name;
    std::optional<std::string> code;  ///< the tenant's own vendor number, unique per tenant
    std::optional<std::string> category;
    std::vector<std::string> tags;
    std::string status = "active";  ///< active | inactive
    std::optional<std::string> notes;
    std::map<std::string, std::string> custom_fields;  ///< merge fields {{vendor.custom.key}}
    std::int64_t contact_count = 0;
    std::string created_at;
    std::string updated_at;
    std::vector<Contact> contacts;  ///< filled by detail reads
    std::vector<ListRef> lists;     ///< filled by detail reads
};

/// A create or a partial update: unset members are left alone by an update.
struct VendorInput {
    std::optional<std::string> name;
    std::optional<std::optional<std::string>> code;  ///< set to nullopt-inside to clear
    std::optional<std::optional<std::string>> category;
    std::optional<std::vector<std::string>> tags;
    std::optional<std::string> status;
    std::optional<std::optional<std::string>> notes;
    std::optional<std::map<std::string, std::string>> custom_fields;
    std::optional<std::vector<Contact>> contacts;  ///< on update: replaces the set (kept by email)
};

struct ContactPatch {
    std::optional<std::string> name;
    std::optional<std::string> email;
    std::optional<std::optional<std::string>> role;
    std::optional<bool> primary;
};

/// Filters shared by the vendor list and the CSV export.
struct VendorFilter {
    std::optional<std::string> q;  ///< substring of name, code or a contact email
    std::optional<std::string> status;
    std::optional<std::string> tag;
    std::optional<std::string> list_id;
};

/// Keyset position: the last row of the previous page.
struct VendorCursor {
    std::string name;
    std::string id;
};

template <class T>
struct Page {
    std::vector<T> items;
    std::optional<std::string> next_cursor;
};

struct VendorList {
    std::string id;
    std::string name;
    std::optional<std::string> description;
    std::int64_t member_count = 0;
    std::string created_at;
    std::string updated_at;
};

struct Suppression {
    std::string id;
    std::string address;
    std::string reason;  ///< bounce | complaint | manual | unsubscribe
    std::optional<std::string> source;
    std::string created_at;
};

struct ImportRowError {
    std::size_t row = 0;  ///< spreadsheet row (the header is row 1)
    std::string field;    ///< the column, empty for the whole row
    std::string reason;
};

/// The answer of an import (and the body of a finished import job).
struct ImportReport {
    std::int64_t rows = 0;  ///< data rows read (blank lines excluded)
    std::int64_t vendors_created = 0;
    std::int64_t vendors_updated = 0;
    std::int64_t contacts_added = 0;
    std::vector<ImportRowError> errors;  ///< the first kMaxReportedErrors
    std::int64_t error_count = 0;        ///< all of them
    /// Set when the import stopped early because most rows were refused (ImportGuard): why.
    std::optional<std::string> stop_reason;
};

struct ImportJob {
    std::string id;
    std::string status;  ///< running | completed | stopped (most rows refused) | failed | undone
    std::int64_t rows_processed = 0;
    std::int64_t bytes_processed = 0;
    std::int64_t bytes_total = 0;
    std::optional<std::string> report_json;  ///< the report when finished
    std::optional<std::string> error;
    std::string created_at;
    std::optional<std::string> finished_at;
};

}  // namespace dh::vendors
