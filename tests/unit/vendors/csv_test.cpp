#include "vendors/csv.hpp"

#include <gtest/gtest.h>

namespace dh::vendors {
namespace {

using Rows = std::vector<CsvRecord>;

/// Parses `input` fed in chunks of `chunk` bytes (1 exercises every split point).
Rows parse(const std::string& input, std::size_t chunk = 1 << 20, std::size_t max_record = 1 << 20) {
    Rows rows;
    CsvParser p([&](CsvRecord& r) { rows.push_back(r); }, max_record);
    for (std::size_t i = 0; i < input.size(); i += chunk) p.feed(std::string_view(input).substr(i, chunk));
    p.finish();
    return rows;
}

std::vector<std::vector<std::string>> fields(const Rows& rows) {
    std::vector<std::vector<std::string>> out;
    for (auto& r : rows) out.push_back(r.fields);
    return out;
}

TEST(Csv, QuotedFieldsDoubledQuotesEmbeddedCommasAndNewlines) {
    std::string in = "name,notes\r\n\"Acme, Inc.\",\"said \"\"hi\"\"\"\r\n\"multi\r\nline\",x\r\n";
    for (std::size_t chunk : {1u, 2u, 3u, 7u, 1000u}) {
        auto rows = parse(in, chunk);
        ASSERT_EQ(rows.size(), 3u) << chunk;
        EXPECT_EQ(fields(rows)[1], (std::vector<std::string>{"Acme, Inc.", "said \"hi\""}));
        EXPECT_EQ(fields(rows)[2], (std::vector<std::string>{"multi\r\nline", "x"}));
        EXPECT_EQ(rows[2].row, 3u);
        for (auto& r : rows) EXPECT_EQ(r.error, "");
    }
}

TEST(Csv, LfCrlfAndNoFinalLineBreak) {
    EXPECT_EQ(fields(parse("a,b\nc,d")), (std::vector<std::vector<std::string>>{{"a", "b"}, {"c", "d"}}));
    EXPECT_EQ(fields(parse("a,b\r\nc,d\r\n")), (std::vector<std::vector<std::string>>{{"a", "b"}, {"c", "d"}}));
    EXPECT_EQ(fields(parse("a\rb\r")), (std::vector<std::vector<std::string>>{{"a"}, {"b"}}));
}

TEST(Csv, EmptyFieldsAndBlankLines) {
    auto rows = parse("a,,c\n,,\n\n\"\",x\n");
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"a", "", "c"}));
    EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"", "", ""}));
    EXPECT_EQ(rows[2].fields, (std::vector<std::string>{""}));
    EXPECT_EQ(rows[3].fields, (std::vector<std::string>{"", "x"}));
    EXPECT_EQ(rows[3].row, 4u);
    EXPECT_TRUE(parse("").empty());
}

TEST(Csv, ByteOrderMarkIsSkippedEvenWhenSplit) {
    std::string in = "\xEF\xBB\xBFname,code\nA,1\n";
    for (std::size_t chunk : {1u, 2u, 100u}) {
        auto rows = parse(in, chunk);
        ASSERT_EQ(rows.size(), 2u);
        EXPECT_EQ(rows[0].fields[0], "name") << chunk;
    }
    // Bytes that only start like a BOM are data.
    EXPECT_EQ(parse("\xEF\xBBx\n", 1)[0].error, "the row is not valid UTF-8");
    EXPECT_EQ(parse("\xEF")[0].fields.size(), 1u);
}

TEST(Csv, RaggedRowsAreReportedByTheirConsumerNotMerged) {
    auto rows = parse("a,b,c\n1,2\n1,2,3,4\n");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[1].fields.size(), 2u);
    EXPECT_EQ(rows[2].fields.size(), 4u);
}

TEST(Csv, InvalidUtf8IsAnErrorOfThatRowOnly) {
    auto rows = parse("a,b\nok,\xC3\xA9\nbad,\xC3\x28\nnext,row\n");
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[1].error, "");
    EXPECT_EQ(rows[1].fields[1], "\xC3\xA9");
    EXPECT_EQ(rows[2].error, "the row is not valid UTF-8");
    EXPECT_EQ(rows[2].row, 3u);
    EXPECT_EQ(rows[3].error, "");
    EXPECT_EQ(rows[3].fields[0], "next");
}

TEST(Csv, StrayQuotesAreErrorsAndParsingContinues) {
    auto rows = parse("a\"b,c\n\"x\"y,z\nfine,row\n");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_NE(rows[0].error, "");
    EXPECT_NE(rows[1].error, "");
    EXPECT_EQ(rows[2].error, "");
    EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"fine", "row"}));
}

TEST(Csv, UnterminatedQuoteAtEndOfFile) {
    auto rows = parse("a,b\n\"open,never closed\nmore\n");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1].error, "a quoted field is not closed before the end of the file");
}

TEST(Csv, OverlongRecordIsBoundedAndReported) {
    std::string big(5000, 'x');
    auto rows = parse("a\n" + big + "\nnext\n", 64, 1000);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_NE(rows[1].error.find("longer than"), std::string::npos);
    EXPECT_TRUE(rows[1].fields.empty());
    EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"next"}));
}

TEST(Csv, WriterQuotesAndNeutralizesFormulas) {
    std::string out;
    append_csv_row(out, {"plain", "a,b", "say \"x\"", "two\nlines", "=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)",
                         "\tx", "safe=1"});
    EXPECT_EQ(out,
              "plain,\"a,b\",\"say \"\"x\"\"\",\"two\nlines\",\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-2,'@SUM(A1),'\tx,"
              "safe=1\r\n");
    std::string header;
    append_csv_row(header, {"-not-guarded"}, false);
    EXPECT_EQ(header, "-not-guarded\r\n");
}

TEST(Csv, WrittenRowsParseBackAndGuardsStrip) {
    std::vector<std::string> values = {"=1+2", "a,\"b\"\r\nc", "", "'quoted", "-5"};
    std::string out;
    append_csv_row(out, values);
    auto rows = parse(out, 3);
    ASSERT_EQ(rows.size(), 1u);
    ASSERT_EQ(rows[0].fields.size(), values.size());
    for (std::size_t i = 0; i < values.size(); ++i) EXPECT_EQ(strip_formula_guard(rows[0].fields[i]), values[i]);
}

TEST(Csv, ColumnsPerRowAndFieldSizeAreBounded) {
    CsvParser::Limits limits;
    limits.max_fields = 5;
    limits.max_field_bytes = 8;
    Rows rows;
    CsvParser p([&](CsvRecord& r) { rows.push_back(r); }, limits);
    p.feed("a,b,c,d,e\r\na,b,c,d,e,f\r\n123456789,x\r\n\"12345678\",y\r\n");
    p.finish();
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_TRUE(rows[0].error.empty());
    EXPECT_NE(rows[1].error.find("more than 5 columns"), std::string::npos) << rows[1].error;
    EXPECT_TRUE(rows[1].fields.empty()) << "nothing of a refused record is kept";
    EXPECT_NE(rows[2].error.find("longer than 8 bytes"), std::string::npos) << rows[2].error;
    EXPECT_TRUE(rows[3].error.empty()) << "exactly at the bound is fine";
    EXPECT_EQ(rows[3].row, 4u);
}

TEST(Csv, TheIssuesTenThousandColumnRowIsRefusedByDefault) {
    std::string row = "name";
    for (int i = 0; i < 10000; ++i) row += ",custom.c" + std::to_string(i);
    auto rows = parse(row + "\r\n");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_NE(rows[0].error.find("more than 1000 columns"), std::string::npos);
}

}  // namespace
}  // namespace dh::vendors
