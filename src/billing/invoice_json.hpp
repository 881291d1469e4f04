#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "billing/billing_service.hpp"
#include "billing/invoice.hpp"

namespace dh::billing {

nlohmann::json to_json(const Invoice& v);
nlohmann::json to_json(const InvoicePreview& p);
nlohmann::json to_json(const CloseResult& r);
/// A self-contained printable page of the invoice (all text HTML-escaped).
std::string to_html(const Invoice& v);

}  // namespace dh::billing
