#include "ops/openapi.hpp"

#include "common/resources.hpp"

namespace dh::ops {
namespace {

void merge_into(nlohmann::json& target, const nlohmann::json& source) {
    for (auto& [key, value] : source.items()) {
        if (value.is_object() && target.contains(key) && target[key].is_object())
            merge_into(target[key], value);
        else
            target[key] = value;
    }
}

}  // namespace

nlohmann::json openapi_document() {
    nlohmann::json doc = nlohmann::json::object();
    for (auto& r : resources::all()) {
        if (r.path.rfind("api/openapi/", 0) != 0 || !r.path.ends_with(".json")) continue;
        merge_into(doc, nlohmann::json::parse(r.content));
    }
    return doc;
}

}  // namespace dh::ops
