#include "vendors/export_service.hpp"

#include <cstdio>
#include <filesystem>

#include "common/error.hpp"
#include "common/random.hpp"
#include "db/tx.hpp"
#include "vendors/csv.hpp"
#include "vendors/import_rows.hpp"
#include "vendors/vendor_store.hpp"

namespace dh::vendors {
namespace {

constexpr int kPage = 1000;

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "; " : "") + parts[i];
    return out;
}

void append_vendor(std::string& out, const Vendor& v, const std::vector<std::string>& keys) {
    std::vector<std::string> lists;
    for (auto& l : v.lists) lists.push_back(l.name);
    std::vector<std::string> base = {
        v.code.value_or(""), v.name, v.category.value_or(""), v.status, join(v.tags), v.notes.value_or(""), "", "", "",
        join(lists)};
    for (auto& k : keys) {
        auto it = v.custom_fields.find(k);
        base.push_back(it == v.custom_fields.end() ? "" : it->second);
    }
    if (v.contacts.empty()) {
        append_csv_row(out, base);
        return;
    }
    for (auto& c : v.contacts) {
        auto row = base;
        row[6] = c.email;
        row[7] = c.name;
        row[8] = c.role.value_or("");
        append_csv_row(out, row);
    }
}

}  // namespace

std::string export_vendors_csv(db::Pool& pool, const std::string& tenant_id, const VendorFilter& filter,
                               const std::string& dir) {
    std::filesystem::create_directories(dir);
    std::string path = dir + "/export-" + random::hex(12) + ".csv";
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
    if (!file) throw Error(ErrorKind::internal, "internal", "Internal error.", "cannot create " + path);
    try {
        db::with_tx(pool, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
            auto keys = vendor_store::custom_keys(tx, filter);
            std::vector<std::string> header = kCsvColumns;
            for (auto& k : keys) header.push_back("custom." + k);
            std::string out;
            append_csv_row(out, header, false);
            VendorCursor after;
            for (;;) {
                auto page = vendor_store::export_page(tx, filter, after, kPage);
                for (auto& v : page) append_vendor(out, v, keys);
                if (std::fwrite(out.data(), 1, out.size(), file.get()) != out.size())
                    throw Error(ErrorKind::unavailable, "disk_full", "The export could not be written; try again.");
                out.clear();
                if (static_cast<int>(page.size()) < kPage) break;
                after = {page.back().name, page.back().id};
            }
        });
        if (std::fflush(file.get()) != 0)
            throw Error(ErrorKind::unavailable, "disk_full", "The export could not be written; try again.");
    } catch (...) {
        file.reset();
        std::error_code ec;
        std::filesystem::remove(path, ec);
        throw;
    }
    return path;
}

}  // namespace dh::vendors
