#include "vendors/import_guard.hpp"

#include <fmt/format.h>

namespace dh::vendors {

void ImportGuard::refused(const ImportRowError& e) {
    auto key = e.field.empty() ? e.reason : e.field + ": " + e.reason;
    auto it = reasons_.find(key);
    if (it != reasons_.end())
        ++it->second;
    else if (reasons_.size() < kMaxReasons)
        reasons_.emplace(std::move(key), 1);
}

bool ImportGuard::must_stop(const ImportReport& report) const {
    return report.rows >= kMinRows && report.error_count * 100 > report.rows * kMaxRefusedPercent;
}

std::string ImportGuard::stop_reason(const ImportReport& report) const {
    const std::pair<const std::string, std::int64_t>* commonest = nullptr;
    for (auto& r : reasons_)
        if (!commonest || r.second > commonest->second) commonest = &r;
    auto percent = report.rows > 0 ? report.error_count * 100 / report.rows : 0;
    auto text = fmt::format(
        "Stopped after {} rows: {} of them ({}%) were refused, more than the {}% an import may refuse once it has "
        "read {} rows. Nothing after that was imported.",
        report.rows, report.error_count, percent, kMaxRefusedPercent, kMinRows);
    if (commonest) text += fmt::format(" Most common problem: \"{}\" ({} rows).", commonest->first, commonest->second);
    return text;
}

}  // namespace dh::vendors
