#pragma once
#include <nlohmann/json.hpp>

#include "vendors/list_service.hpp"
#include "vendors/vendor.hpp"

namespace dh::http {
struct Request;
}

/// JSON <-> plain data for the vendor routes. Type errors become 422 problems naming the field.
namespace dh::vendors::json {

nlohmann::json vendor(const Vendor& v, bool detail);
nlohmann::json contact(const Contact& c);
nlohmann::json list(const VendorList& l);
nlohmann::json suppression(const Suppression& s);
nlohmann::json report(const ImportReport& r);
/// {id, status, rows_processed, bytes_processed, bytes_total} plus the report's fields when finished.
nlohmann::json job(const ImportJob& j);

Vendor vendor_from(const nlohmann::json& body);
VendorInput vendor_input_from(const nlohmann::json& body);
Contact contact_from(const nlohmann::json& body, const std::string& prefix);
ContactPatch contact_patch_from(const nlohmann::json& body);
ListInput list_input_from(const nlohmann::json& body);
Suppression suppression_from(const nlohmann::json& body);

/// `limit` (default 50, 1..200; else 422) of a list request.
int page_limit(const http::Request& req);
/// {"items": [...], "next_cursor": ...}
template <class T, class F>
nlohmann::json page(const Page<T>& p, F&& item) {
    nlohmann::json items = nlohmann::json::array();
    for (auto& x : p.items) items.push_back(item(x));
    return {{"items", items}, {"next_cursor", p.next_cursor ? nlohmann::json(*p.next_cursor) : nlohmann::json()}};
}
/// q, status, tag and list query parameters.
VendorFilter filter_from(const http::Request& req);

}  // namespace dh::vendors::json
