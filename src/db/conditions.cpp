#include "db/conditions.hpp"

#include <stdexcept>

namespace dh::db {

Conditions& Conditions::add(std::string_view condition, std::initializer_list<Param> values) {
    sql_ += " AND (";
    auto value = values.begin();
    for (std::size_t i = 0; i < condition.size(); ++i) {
        if (condition.compare(i, 2, "$?") != 0) {
            sql_ += condition[i];
            continue;
        }
        if (value == values.end()) throw std::logic_error("db::Conditions: more $? than values");
        params_.push_back(*value++);
        sql_ += "$" + std::to_string(params_.size());
        ++i;
    }
    if (value != values.end()) throw std::logic_error("db::Conditions: more values than $?");
    sql_ += ")";
    return *this;
}

}  // namespace dh::db
