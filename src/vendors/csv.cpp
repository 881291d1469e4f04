#include "vendors/csv.hpp"

#include "common/strings.hpp"

namespace dh::vendors {

CsvParser::CsvParser(Sink sink, std::size_t max_record_bytes)
    : CsvParser(std::move(sink), Limits{max_record_bytes, Limits{}.max_fields, Limits{}.max_field_bytes}) {}

CsvParser::CsvParser(Sink sink, Limits limits) : sink_(std::move(sink)), limits_(limits) {}

void CsvParser::feed(std::string_view chunk) {
    bytes_ += chunk.size();
    if (!bom_checked_) {
        // The three BOM bytes may arrive split across chunks.
        while (!chunk.empty() && bom_.size() < 3) {
            bom_.push_back(chunk.front());
            chunk.remove_prefix(1);
            if (std::string_view("\xEF\xBB\xBF").substr(0, bom_.size()) != bom_) break;
        }
        if (bom_.size() < 3 && bom_ == std::string_view("\xEF\xBB\xBF").substr(0, bom_.size())) return;
        bom_checked_ = true;
        if (bom_ != "\xEF\xBB\xBF")
            for (char c : bom_) consume(c);
        bom_.clear();
    }
    for (char c : chunk) consume(c);
}

void CsvParser::fail(const std::string& reason) {
    if (record_.error.empty()) record_.error = reason;
}

void CsvParser::end_field() {
    if (record_.error.empty() &&
        (record_.fields.size() >= limits_.max_fields || field_.size() > limits_.max_field_bytes)) {
        if (record_.fields.size() >= limits_.max_fields)
            fail("the row has more than " + std::to_string(limits_.max_fields) + " columns");
        else
            fail("column " + std::to_string(record_.fields.size() + 1) + " is longer than " +
                 std::to_string(limits_.max_field_bytes) + " bytes");
        record_.fields.clear();  // keep nothing more of a refused record: memory stays bounded
    }
    if (record_.error.empty()) record_.fields.push_back(std::move(field_));
    field_.clear();
}

void CsvParser::end_record() {
    end_field();
    if (record_.error.empty()) {
        for (auto& f : record_.fields)
            if (!strings::is_valid_utf8(f)) {
                record_.error = "the row is not valid UTF-8";
                break;
            }
    }
    record_.row = next_row_++;
    sink_(record_);
    record_ = CsvRecord{};
    record_bytes_ = 0;
    record_open_ = false;
}

void CsvParser::consume(char c) {
    record_open_ = true;
    if (++record_bytes_ > limits_.max_record_bytes && record_.error.empty()) {
        // Keep scanning (quotes still decide where the record ends) but stop storing it.
        fail("the row is longer than the limit of " + std::to_string(limits_.max_record_bytes) + " bytes");
        record_.fields.clear();
        field_.clear();
    }
    bool store = record_.error.empty();
    switch (state_) {
        case State::after_cr:
            state_ = State::field_start;
            if (c == '\n') {
                record_open_ = false;
                record_bytes_ = 0;
                return;
            }
            record_open_ = true;
            record_bytes_ = 1;
            [[fallthrough]];
        case State::field_start:
            if (c == '"') {
                state_ = State::quoted;
                return;
            }
            state_ = State::unquoted;
            [[fallthrough]];
        case State::unquoted:
            if (c == ',') {
                end_field();
                state_ = State::field_start;
            } else if (c == '\n' || c == '\r') {
                end_record();
                state_ = c == '\r' ? State::after_cr : State::field_start;
            } else {
                if (c == '"') fail("a quote inside an unquoted field (quote the whole field and double the quote)");
                if (store) field_.push_back(c);
            }
            return;
        case State::quoted:
            if (c == '"')
                state_ = State::quote_in_quoted;
            else if (store)
                field_.push_back(c);
            return;
        case State::quote_in_quoted:
            if (c == '"') {
                if (store) field_.push_back('"');
                state_ = State::quoted;
            } else if (c == ',') {
                end_field();
                state_ = State::field_start;
            } else if (c == '\n' || c == '\r') {
                end_record();
                state_ = c == '\r' ? State::after_cr : State::field_start;
            } else {
                fail("characters after a closing quote");
                state_ = State::unquoted;
            }
            return;
    }
}

void CsvParser::finish() {
    if (!bom_checked_) {
        bom_checked_ = true;
        std::string pending = std::move(bom_);
        if (pending != "\xEF\xBB\xBF")
            for (char c : pending) consume(c);
    }
    if (state_ == State::quoted) fail("a quoted field is not closed before the end of the file");
    if (record_open_ && state_ != State::after_cr) end_record();
    state_ = State::field_start;
}

void append_csv_field(std::string& out, std::string_view value, bool neutralize_formulas) {
    bool guard = neutralize_formulas && !value.empty() &&
                 (value.front() == '=' || value.front() == '+' || value.front() == '-' || value.front() == '@' ||
                  value.front() == '\t' || value.front() == '\r');
    bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos;
    if (quote) out.push_back('"');
    if (guard) out.push_back('\'');
    for (char c : value) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    if (quote) out.push_back('"');
}

void append_csv_row(std::string& out, const std::vector<std::string>& fields, bool neutralize_formulas) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) out.push_back(',');
        append_csv_field(out, fields[i], neutralize_formulas);
    }
    out.append("\r\n");
}

std::string strip_formula_guard(std::string value) {
    if (value.size() >= 2 && value[0] == '\'') {
        char c = value[1];
        if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') value.erase(0, 1);
    }
    return value;
}

}  // namespace dh::vendors
