#pragma once
#include <nlohmann/json.hpp>

#include "http/json_writer.hpp"
#include "http/page_response.hpp"
#include "vendors/list_service.hpp"
#include "vendors/vendor.hpp"

namespace dh::http {
struct Request;
}

/// JSON <-> plain data for the vendor routes. Type errors become 422 problems naming the field.
namespace dh::vendors::json {

/// A vendor as the API answers it: its fields and contact_count, and with `detail` its contacts and
/// lists. Written straight into the answer (http::JsonWriter): a list page has 50 of them.
void write_vendor(http::JsonWriter& out, const Vendor& v, bool detail);
void write_contact(http::JsonWriter& out, const Contact& c);
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

/// The list envelope of a page of vendors, lists or suppressions.
template <class T, class F>
nlohmann::json page(const Page<T>& p, F&& item) {
    nlohmann::json items = nlohmann::json::array();
    for (auto& x : p.items) items.push_back(item(x));
    return http::page_json(std::move(items), p.next_cursor);
}
/// q, status, tag and list query parameters.
VendorFilter filter_from(const http::Request& req);

}  // namespace dh::vendors::json
