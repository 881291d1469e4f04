// Every fuzz target over its seed corpus (tests/fuzz/corpus/<target>/), as unit tests of the main
// build. Under the sanitizer build (`make test`) this is the corpus check: a target aborts on a
// broken property, and ASan or UBSan report what the input did. `make fuzz` builds the same
// targets with clang and libFuzzer to search for new inputs.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

// Each target's LLVMFuzzerTestOneInput is compiled under the name fuzz_entry_<target>
// (tests/CMakeLists.txt), so that all of them link into one test binary.
#define DH_FUZZ_TARGETS(X) \
    X(address_fuzz)        \
    X(csv_fuzz)            \
    X(csv_import_fuzz)     \
    X(http_framing_fuzz)   \
    X(json_request_fuzz)   \
    X(jwt_fuzz)            \
    X(mime_builder_fuzz)   \
    X(mime_parser_fuzz)    \
    X(smtp_command_fuzz)

#define DH_DECLARE_ENTRY(name) extern "C" int fuzz_entry_##name(const std::uint8_t* data, std::size_t size);
DH_FUZZ_TARGETS(DH_DECLARE_ENTRY)

namespace {

namespace fs = std::filesystem;

/// Runs `entry` over every file of the target's seed corpus; returns how many inputs it ran.
std::size_t replay(const std::string& target, int (*entry)(const std::uint8_t*, std::size_t)) {
    fs::path dir = fs::path(DH_SOURCE_DIR) / "tests/fuzz/corpus" / target;
    std::size_t inputs = 0;
    for (const auto& file : fs::directory_iterator(dir)) {
        std::ifstream in(file.path(), std::ios::binary);
        std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        SCOPED_TRACE(file.path().string());
        EXPECT_EQ(entry(bytes.data(), bytes.size()), 0);
        ++inputs;
    }
    return inputs;
}

}  // namespace

#define DH_REPLAY_TEST(name)                                                          \
    TEST(FuzzCorpus, name) {                                                          \
        EXPECT_GT(replay(#name, fuzz_entry_##name), 0u) << "empty corpus for " #name; \
    }
DH_FUZZ_TARGETS(DH_REPLAY_TEST)
