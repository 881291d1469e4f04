#include "vendors/vendor_json.hpp"

#include "common/error.hpp"
#include "common/strings.hpp"
#include "http/json_fields.hpp"
#include "http/message.hpp"
#include "vendors/address.hpp"
#include "vendors/vendor_rules.hpp"

namespace dh::vendors::json {
namespace {

using nlohmann::json;

std::string string_at(const json& body, const char* key, const std::string& field) {
    auto& v = body.at(key);
    if (!v.is_string()) throw Error::invalid_field(field, "must be a string");
    return v.get<std::string>();
}

/// Absent: nullopt; null or "": an engaged empty optional (clears the field); else the string.
std::optional<std::optional<std::string>> nullable_at(const json& body, const char* key, const std::string& field) {
    if (!body.contains(key)) return std::nullopt;
    if (body[key].is_null()) return std::optional<std::string>();
    auto s = string_at(body, key, field);
    return s.empty() ? std::optional<std::string>() : std::optional<std::string>(s);
}

std::vector<std::string> strings_at(const json& body, const char* key) {
    auto& v = body.at(key);
    if (!v.is_array()) throw Error::invalid_field(key, "must be an array of strings");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string())
            throw Error::invalid_field(std::string(key) + "[" + std::to_string(i) + "]", "must be a string");
        out.push_back(v[i].get<std::string>());
    }
    return out;
}

std::map<std::string, std::string> custom_at(const json& body) {
    auto& v = body.at("custom_fields");
    if (v.is_null()) return {};
    if (!v.is_object()) throw Error::invalid_field("custom_fields", "must be an object of strings");
    std::map<std::string, std::string> out;
    for (auto& [k, val] : v.items()) {
        if (!val.is_string()) throw Error::invalid_field("custom_fields." + k.substr(0, 64), "must be a string");
        out[k] = val.get<std::string>();
    }
    return out;
}

std::vector<Contact> contacts_at(const json& body) {
    auto& v = body.at("contacts");
    if (!v.is_array()) throw Error::invalid_field("contacts", "must be an array");
    std::vector<Contact> out;
    for (std::size_t i = 0; i < v.size(); ++i) out.push_back(contact_from(v[i], "contacts[" + std::to_string(i) + "]"));
    return out;
}

/// The members a vendor body (create or update) may carry; anything else is refused with 422.
void only_vendor_fields(const json& body) {
    http::JsonFields(body).only({"name", "code", "category", "notes", "status", "tags", "custom_fields", "contacts"});
}

}  // namespace

void write_vendor(http::JsonWriter& out, const Vendor& v, bool detail) {
    out.begin_object();
    out.key("id").string(v.id);
    out.key("name").string(v.name);
    out.key("code").string(v.code);
    out.key("category").string(v.category);
    out.key("tags").begin_array();
    for (auto& t : v.tags) out.string(t);
    out.end_array();
    out.key("status").string(v.status);
    out.key("notes").string(v.notes);
    out.key("custom_fields").begin_object();
    for (auto& [name, value] : v.custom_fields) out.key_escaped(name).string(value);
    out.end_object();
    out.key("contact_count").number(v.contact_count);
    out.key("created_at").string(v.created_at);
    out.key("updated_at").string(v.updated_at);
    if (detail) {
        out.key("contacts").begin_array();
        for (auto& c : v.contacts) write_contact(out, c);
        out.end_array();
        out.key("lists").begin_array();
        for (auto& l : v.lists) out.begin_object().key("id").string(l.id).key("name").string(l.name).end_object();
        out.end_array();
    }
    out.end_object();
}

void write_contact(http::JsonWriter& out, const Contact& c) {
    out.begin_object();
    out.key("id").string(c.id);
    out.key("name").string(c.name);
    out.key("email").string(c.email);
    out.key("role").string(c.role);
    out.key("primary").boolean(c.primary);
    out.end_object();
}

json list(const VendorList& l) {
    return {{"id", l.id},
            {"name", l.name},
            {"description", http::opt_json(l.description)},
            {"member_count", l.member_count},
            {"created_at", l.created_at},
            {"updated_at", l.updated_at}};
}

json suppression(const Suppression& s) {
    return {{"id", s.id},
            {"address", s.address},
            {"kind", suppression_kind(s.address)},
            {"reason", s.reason},
            {"source", http::opt_json(s.source)},
            {"created_at", s.created_at}};
}

json report(const ImportReport& r) {
    json errors = json::array();
    for (auto& e : r.errors)
        errors.push_back({{"row", e.row}, {"field", e.field.empty() ? json() : json(e.field)}, {"reason", e.reason}});
    return {{"rows", r.rows},
            {"vendors_created", r.vendors_created},
            {"vendors_updated", r.vendors_updated},
            {"contacts_added", r.contacts_added},
            {"errors", errors},
            {"error_count", r.error_count},
            {"stop_reason", http::opt_json(r.stop_reason)}};
}

json job(const ImportJob& j) {
    json out = {{"id", j.id},
                {"status", j.status},
                {"rows_processed", j.rows_processed},
                {"bytes_processed", j.bytes_processed},
                {"bytes_total", j.bytes_total},
                {"error", http::opt_json(j.error)},
                {"created_at", j.created_at},
                {"finished_at", http::opt_json(j.finished_at)}};
    if (j.report_json) {
        auto r = json::parse(*j.report_json);
        out["report"] = r;
        out.update(r);
    }
    return out;
}

Vendor vendor_from(const json& body) {
    only_vendor_fields(body);
    Vendor v;
    if (!body.contains("name") || body["name"].is_null()) throw Error::invalid_field("name", "is required");
    v.name = string_at(body, "name", "name");
    if (auto c = nullable_at(body, "code", "code")) v.code = *c;
    if (auto c = nullable_at(body, "category", "category")) v.category = *c;
    if (auto c = nullable_at(body, "notes", "notes")) v.notes = *c;
    if (body.contains("status") && !body["status"].is_null()) v.status = string_at(body, "status", "status");
    if (body.contains("tags") && !body["tags"].is_null()) v.tags = strings_at(body, "tags");
    if (body.contains("custom_fields")) v.custom_fields = custom_at(body);
    if (body.contains("contacts") && !body["contacts"].is_null()) v.contacts = contacts_at(body);
    return v;
}

VendorInput vendor_input_from(const json& body) {
    only_vendor_fields(body);
    VendorInput in;
    if (body.contains("name")) in.name = body["name"].is_null() ? std::string() : string_at(body, "name", "name");
    in.code = nullable_at(body, "code", "code");
    in.category = nullable_at(body, "category", "category");
    in.notes = nullable_at(body, "notes", "notes");
    if (body.contains("status")) in.status = string_at(body, "status", "status");
    if (body.contains("tags")) in.tags = body["tags"].is_null() ? std::vector<std::string>() : strings_at(body, "tags");
    if (body.contains("custom_fields")) in.custom_fields = custom_at(body);
    if (body.contains("contacts"))
        in.contacts = body["contacts"].is_null() ? std::vector<Contact>() : contacts_at(body);
    return in;
}

Contact contact_from(const json& body, const std::string& prefix) {
    auto field = [&](const char* name) { return prefix.empty() ? std::string(name) : prefix + "." + name; };
    if (!body.is_object()) throw Error::invalid_field(prefix.empty() ? "body" : prefix, "must be an object");
    http::JsonFields(body, prefix).only({"name", "email", "role", "primary"});
    Contact c;
    if (body.contains("name") && !body["name"].is_null()) c.name = string_at(body, "name", field("name"));
    if (!body.contains("email") || body["email"].is_null()) throw Error::invalid_field(field("email"), "is required");
    c.email = string_at(body, "email", field("email"));
    if (auto r = nullable_at(body, "role", field("role"))) c.role = *r;
    if (body.contains("primary") && !body["primary"].is_null()) {
        if (!body["primary"].is_boolean()) throw Error::invalid_field(field("primary"), "must be true or false");
        c.primary = body["primary"].get<bool>();
    }
    return c;
}

ContactPatch contact_patch_from(const json& body) {
    http::JsonFields(body).only({"name", "email", "role", "primary"});
    ContactPatch p;
    if (body.contains("name")) p.name = body["name"].is_null() ? std::string() : string_at(body, "name", "name");
    if (body.contains("email")) p.email = string_at(body, "email", "email");
    p.role = nullable_at(body, "role", "role");
    if (body.contains("primary")) {
        if (!body["primary"].is_boolean()) throw Error::invalid_field("primary", "must be true or false");
        p.primary = body["primary"].get<bool>();
    }
    return p;
}

ListInput list_input_from(const json& body) {
    http::JsonFields(body).only({"name", "description"});
    ListInput in;
    if (body.contains("name")) in.name = body["name"].is_null() ? std::string() : string_at(body, "name", "name");
    in.description = nullable_at(body, "description", "description");
    return in;
}

Suppression suppression_from(const json& body) {
    http::JsonFields(body).only({"address", "reason", "source"});
    Suppression s;
    if (!body.contains("address") || body["address"].is_null()) throw Error::invalid_field("address", "is required");
    s.address = string_at(body, "address", "address");
    if (body.contains("reason") && !body["reason"].is_null()) s.reason = string_at(body, "reason", "reason");
    if (auto src = nullable_at(body, "source", "source")) s.source = *src;
    return s;
}

VendorFilter filter_from(const http::Request& req) {
    VendorFilter f;
    auto nonempty = [&](const char* name) -> std::optional<std::string> {
        auto v = req.query_param(name);
        if (!v) return std::nullopt;
        auto t = strings::trim(*v);
        if (t.empty()) return std::nullopt;
        return t;
    };
    if (auto q = nonempty("q")) f.q = rules::like_pattern(*q);
    f.status = nonempty("status");
    if (f.status && !rules::valid_status(*f.status)) throw Error::invalid_field("status", "must be active or inactive");
    f.tag = nonempty("tag");
    f.list_id = nonempty("list");
    if (!f.list_id) f.list_id = nonempty("list_id");
    if (f.list_id && !strings::is_uuid(*f.list_id)) throw Error::invalid_field("list", "is not a list id");
    return f;
}

}  // namespace dh::vendors::json
