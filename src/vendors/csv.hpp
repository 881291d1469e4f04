#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dh::vendors {

/// One CSV record. `row` counts records as a spreadsheet does (the first record, usually the
/// header, is row 1), so it still names the right row when quoted fields hold line breaks.
struct CsvRecord {
    std::size_t row = 0;
    std::vector<std::string> fields;
    std::string error;  ///< non-empty: the record is malformed (fields then hold what could be read)
};

/// An RFC 4180 push parser: feed() it chunks of any size (a spooled upload read 64 KiB at a time)
/// and it calls the sink once per complete record, so a file is never held whole in memory.
/// Accepts quoted fields with doubled quotes, commas and line breaks; CRLF, LF or CR line ends; a
/// UTF-8 byte-order mark. Problems (a stray quote, invalid UTF-8, an over-long record, an
/// unterminated quote at the end, too many fields, an over-long field) are reported on the record they belong to, and
/// parsing goes on with the next record.
class CsvParser {
public:
    using Sink = std::function<void(CsvRecord&)>;
    /// Bounds on one record: its bytes, its number of fields and the bytes of one field. A record
    /// over a bound is reported with an error (its fields dropped) and parsing goes on.
    struct Limits {
        std::size_t max_record_bytes = 1 << 20;
        std::size_t max_fields = 1000;
        std::size_t max_field_bytes = 64 * 1024;
    };
    explicit CsvParser(Sink sink, std::size_t max_record_bytes = 1 << 20);
    CsvParser(Sink sink, Limits limits);

    void feed(std::string_view chunk);
    /// Ends the input: emits a last record without a line break, reports an open quote.
    void finish();
    std::uint64_t bytes_fed() const { return bytes_; }

private:
    enum class State { field_start, unquoted, quoted, quote_in_quoted, after_cr };
    void consume(char c);
    void end_field();
    void end_record();
    void fail(const std::string& reason);

    Sink sink_;
    Limits limits_;
    State state_ = State::field_start;
    CsvRecord record_;
    std::string field_;
    std::size_t record_bytes_ = 0;
    std::size_t next_row_ = 1;
    std::uint64_t bytes_ = 0;
    std::string bom_;  ///< the first bytes, until we know whether they are a byte-order mark
    bool bom_checked_ = false;
    bool record_open_ = false;
};

/// Appends one field, quoted when it holds a comma, quote or line break. With
/// `neutralize_formulas`, a value starting with = + - @ TAB or CR gets a leading apostrophe, so
/// spreadsheet programs show it as text instead of evaluating it (CSV/formula injection).
void append_csv_field(std::string& out, std::string_view value, bool neutralize_formulas = true);
/// Appends fields separated by commas and a CRLF.
void append_csv_row(std::string& out, const std::vector<std::string>& fields, bool neutralize_formulas = true);
/// Undoes the apostrophe append_csv_field adds, so that an exported file imports back unchanged.
std::string strip_formula_guard(std::string value);

}  // namespace dh::vendors
