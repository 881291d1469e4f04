// CSV import with the API's limits: any bytes go through the bounded CSV parser, the header
// mapping and the row rules; every row the importer accepts must also pass the API's own vendor
// validation (POST /api/v1/vendors), so an import can never store what the API would refuse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "common/error.hpp"
#include "vendors/csv.hpp"
#include "vendors/import_rows.hpp"
#include "vendors/vendor_rules.hpp"

namespace {

dh::vendors::Vendor as_vendor(const dh::vendors::ImportRow& row) {
    dh::vendors::Vendor v;
    v.name = row.name;
    v.code = row.code;
    v.category = row.category;
    if (row.status) v.status = *row.status;
    v.tags = row.tags;
    v.notes = row.notes;
    v.custom_fields = row.custom;
    if (row.email) v.contacts.push_back({"", row.contact_name.value_or(""), *row.email, row.role, true});
    return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // The first byte picks small parser limits now and then, so the bounds themselves are hit.
    dh::vendors::CsvParser::Limits limits;
    if (data[0] & 1) limits = {4096, 8 + data[0] % 32u, 64};
    std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

    std::optional<dh::vendors::ColumnMap> columns;
    bool header_refused = false;
    dh::vendors::CsvParser parser(
        [&](dh::vendors::CsvRecord& record) {
            if (record.fields.size() > limits.max_fields) std::abort();
            for (auto& f : record.fields)
                if (f.size() > limits.max_field_bytes) std::abort();
            if (!columns && !header_refused) {
                try {
                    if (!record.error.empty()) throw dh::Error::invalid_field("header", record.error);
                    columns = dh::vendors::map_header(record.fields, {});
                } catch (const dh::Error&) {
                    header_refused = true;
                }
                return;
            }
            if (!columns) return;
            dh::vendors::ImportRow row;
            dh::vendors::ImportRowError error;
            if (dh::vendors::parse_row(*columns, record, row, error) != dh::vendors::RowKind::row) return;
            auto vendor = as_vendor(row);
            try {
                dh::vendors::rules::validate_vendor(vendor);
            } catch (const dh::Error&) {
                std::abort();  // the import accepted a row the API refuses
            }
        },
        limits);
    parser.feed(input);
    parser.finish();
    return 0;
}
