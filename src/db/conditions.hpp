#pragma once
#include <initializer_list>
#include <string>
#include <string_view>

#include "db/connection.hpp"

namespace dh::db {

/// The filter conditions of a list statement, only those a request uses. One statement with
/// "$n IS NULL OR …" for every optional filter gets a generic plan (prepared statements switch to
/// one after five runs) that cannot tell which filters apply, misjudges the rows and may sort a
/// whole table where an index gives the page; each combination of filters is its own prepared
/// statement instead, with plain conditions the planner estimates well.
class Conditions {
public:
    /// Numbers the parameters after those already in `params`, which receives the values.
    explicit Conditions(Params& params) : params_(params) {}

    /// Adds `condition`; each `$?` in it becomes the number of the next of `values`, in order.
    Conditions& add(std::string_view condition, std::initializer_list<Param> values = {});
    /// " AND c1 AND c2 …", empty when there are none.
    const std::string& sql() const { return sql_; }

private:
    Params& params_;
    std::string sql_;
};

}  // namespace dh::db
