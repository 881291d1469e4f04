#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "vendors/vendor.hpp"

namespace dh::vendors {

/// Junk detection of CSV imports: a file most of whose rows are refused (the wrong file, or a wrong
/// column mapping) is stopped early instead of filling the tenant with thousands of junk vendors.
/// The rule: once kMinRows data rows have been read, the import stops as soon as more than
/// kMaxRefusedPercent of the rows read so far were refused (counted over the whole file so far, so
/// a good file with a few bad rows, or a bad stretch in a long good file, still completes).
class ImportGuard {
public:
    static constexpr std::int64_t kMinRows = 200;
    static constexpr std::int64_t kMaxRefusedPercent = 80;

    /// Tallies a refused row's reason (for the stop message).
    void refused(const ImportRowError& e);
    /// Whether the import must stop now, given what it has read and refused so far.
    bool must_stop(const ImportReport& report) const;
    /// Why it stopped, for the user: the refusal rate and the commonest refusal.
    std::string stop_reason(const ImportReport& report) const;

private:
    static constexpr std::size_t kMaxReasons = 1000;  ///< distinct reasons tallied (rows may repeat values)
    std::map<std::string, std::int64_t> reasons_;
};

}  // namespace dh::vendors
