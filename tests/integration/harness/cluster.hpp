#pragma once
#include <string>

namespace dh::test {

/// The throwaway PostgreSQL cluster of a test run. ctest starts it once (fixture `pg_cluster`,
/// via `dh_integration_tests --cluster-start`) with the same launcher `serve` uses for its
/// embedded default; tests run alone start it themselves and leave it for the next run.
std::string cluster_conninfo(const std::string& database = "postgres");

/// A fresh, empty database on the cluster; dropped in the destructor.
class TestDatabase {
public:
    explicit TestDatabase(const std::string& prefix = "t");
    ~TestDatabase();
    const std::string& name() const { return name_; }
    std::string conninfo() const { return cluster_conninfo(name_); }
    /// A postgresql:// URL for DATABASE_URL.
    std::string url() const;

private:
    std::string name_;
};

int cluster_main(const std::string& command);  ///< --cluster-start / --cluster-stop

}  // namespace dh::test
