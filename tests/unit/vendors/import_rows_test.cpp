#include "vendors/import_rows.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace dh::vendors {
namespace {

CsvRecord rec(std::vector<std::string> fields, std::size_t row = 2) {
    return {row, std::move(fields), ""};
}

TEST(ImportRows, HeaderMapsKnownColumnsCaseInsensitively) {
    auto m = map_header({" Code", "NAME", "email", "custom.Region", "list"}, {});
    EXPECT_EQ(*m.at("code"), 0u);
    EXPECT_EQ(*m.at("name"), 1u);
    EXPECT_EQ(*m.at("email"), 2u);
    EXPECT_EQ(*m.at("list"), 4u);
    ASSERT_EQ(m.custom.size(), 1u);
    EXPECT_EQ(m.custom[0].second, "Region");
    EXPECT_FALSE(m.at("role"));
}

TEST(ImportRows, MappingRenamesAndSkipsColumns) {
    auto m =
        map_header({"Vendor Name", "Mail", "Internal"}, {{"vendor name", "name"}, {"Mail", "email"}, {"Internal", ""}});
    EXPECT_EQ(*m.at("name"), 0u);
    EXPECT_EQ(*m.at("email"), 1u);
    EXPECT_EQ(m.width, 3u);
}

TEST(ImportRows, BadHeadersAre422NamingTheHeader) {
    auto expect_header_error = [](std::vector<std::string> h, const std::string& needle) {
        try {
            map_header(h, {});
            FAIL() << "accepted";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::unprocessable);
            EXPECT_EQ(std::get<std::string>(e.extensions().at("field")), "header");
            EXPECT_NE(e.message().find(needle), std::string::npos) << e.message();
        }
    };
    expect_header_error({"code", "email"}, "name column");
    expect_header_error({"name", "emial"}, "unknown column");
    expect_header_error({"name", "Name"}, "twice");
    expect_header_error({"name", "custom.1bad"}, "custom field");
}

TEST(ImportRows, ValidRowIsNormalized) {
    auto m =
        map_header({"code", "name", "email", "contact_name", "role", "tags", "list", "custom.region", "status"}, {});
    ImportRow row;
    ImportRowError err;
    auto kind = parse_row(
        m, rec({" V1 ", "'=Acme", "AP@Acme.EXAMPLE", "Pat", "ap", "steel; eu ;steel", "a;b", "north", "Inactive"}), row,
        err);
    ASSERT_EQ(kind, RowKind::row) << err.reason;
    EXPECT_EQ(*row.code, "V1");
    EXPECT_EQ(row.name, "=Acme");  // the export's formula guard comes off
    EXPECT_EQ(*row.email, "AP@acme.example");
    EXPECT_EQ(row.tags, (std::vector<std::string>{"steel", "eu"}));
    EXPECT_EQ(row.lists, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(row.custom.at("region"), "north");
    EXPECT_EQ(*row.status, "inactive");
}

TEST(ImportRows, ErrorsNameRowAndField) {
    auto m = map_header({"code", "name", "email", "role"}, {});
    ImportRow row;
    ImportRowError err;
    EXPECT_EQ(parse_row(m, rec({"V1", "A", "broken@@nowhere", ""}, 7), row, err), RowKind::error);
    EXPECT_EQ(err.row, 7u);
    EXPECT_EQ(err.field, "email");
    EXPECT_EQ(parse_row(m, rec({"V1", "", "a@b.example", ""}), row, err), RowKind::error);
    EXPECT_EQ(err.field, "name");
    EXPECT_EQ(parse_row(m, rec({"V1", "A", "", "ap"}), row, err), RowKind::error);
    EXPECT_EQ(err.field, "email");
    EXPECT_EQ(parse_row(m, rec({"V1", "A"}), row, err), RowKind::error);
    EXPECT_NE(err.reason.find("has 2 fields"), std::string::npos);
    CsvRecord broken{9, {}, "the row is not valid UTF-8"};
    EXPECT_EQ(parse_row(m, broken, row, err), RowKind::error);
    EXPECT_EQ(err.row, 9u);
    EXPECT_EQ(parse_row(m, rec({std::string(65, 'c'), "A", "", ""}), row, err), RowKind::error);
    EXPECT_EQ(err.field, "code");
}

TEST(ImportRows, BlankLinesAreSkippedAndContactsOptional) {
    auto m = map_header({"name", "email"}, {});
    ImportRow row;
    ImportRowError err;
    EXPECT_EQ(parse_row(m, rec({""}), row, err), RowKind::blank);
    EXPECT_EQ(parse_row(m, rec({" ", ""}), row, err), RowKind::blank);
    EXPECT_EQ(parse_row(m, rec({"No contact", ""}), row, err), RowKind::row);
    EXPECT_FALSE(row.email);
}

TEST(ImportRows, RowsKeepTheApisCustomFieldLimit) {
    std::vector<std::string> header{"name"};
    std::vector<std::string> cells{"Wide"};
    for (int i = 0; i < 101; ++i) {
        header.push_back("custom.f" + std::to_string(i));
        cells.push_back("v");
    }
    auto m = map_header(header, {});
    ImportRow row;
    ImportRowError err;
    ASSERT_EQ(parse_row(m, rec(cells, 4), row, err), RowKind::error);
    EXPECT_EQ(err.row, 4u);
    EXPECT_EQ(err.field, "custom");
    EXPECT_NE(err.reason.find("at most 100"), std::string::npos) << err.reason;
    cells.back().clear();  // 100 filled cells: what POST /api/v1/vendors accepts
    EXPECT_EQ(parse_row(m, rec(cells), row, err), RowKind::row) << err.reason;
    EXPECT_EQ(row.custom.size(), 100u);
}

TEST(ImportRows, ARepeatedCodeNeedsTheSameVendorName) {
    auto row = [](std::size_t n, std::optional<std::string> code, std::string name) {
        ImportRow r;
        r.row = n;
        r.code = std::move(code);
        r.name = std::move(name);
        return r;
    };
    SeenCodes seen;
    EXPECT_FALSE(seen.check(row(2, "W9", "Nine Ltd")));
    EXPECT_FALSE(seen.check(row(3, "W9", "nine LTD"))) << "the same vendor in another letter case";
    EXPECT_FALSE(seen.check(row(4, std::nullopt, "Other")));
    EXPECT_FALSE(seen.check(row(5, std::nullopt, "Other")));
    auto error = seen.check(row(6, "W9", "Other Name GmbH"));
    ASSERT_TRUE(error);
    EXPECT_EQ(error->row, 6u);
    EXPECT_EQ(error->field, "code");
    EXPECT_NE(error->reason.find("row 2"), std::string::npos) << error->reason;
    EXPECT_FALSE(seen.check(row(7, "w9", "Other Name GmbH"))) << "codes are compared as written, as the database does";
}

}  // namespace
}  // namespace dh::vendors
