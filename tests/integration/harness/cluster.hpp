#pragma once
#include <memory>
#include <string>

#include "db/embedded_postgres.hpp"

namespace dh::test {

/// The throwaway PostgreSQL cluster of a test run. ctest starts it once (fixture `pg_cluster`,
/// via `dh_integration_tests --cluster-start`) with the same launcher `serve` uses for its
/// embedded default; tests run alone start it themselves and leave it for the next run.
std::string cluster_conninfo(const std::string& database = "postgres");

/// What a new TestDatabase holds.
enum class Schema {
    empty,     ///< nothing: for tests of `migrate` itself
    migrated,  ///< every embedded migration, copied from the run's template database
};

/// The name of the cluster's template database for the embedded migrations: migrated once per
/// cluster and set of migrations (its name carries their hash), under a lock so that parallel test
/// processes agree on one. Each migrated TestDatabase is a `CREATE DATABASE … TEMPLATE` copy of it.
std::string migrated_template();

/// A fresh database of its own on the cluster; dropped in the destructor.
class TestDatabase {
public:
    explicit TestDatabase(const std::string& prefix = "t", Schema schema = Schema::empty);
    ~TestDatabase();
    const std::string& name() const { return name_; }
    std::string conninfo() const { return cluster_conninfo(name_); }
    /// A postgresql:// URL for DATABASE_URL.
    std::string url() const;

private:
    std::string name_;
};

/// A PostgreSQL cluster of one test's own, for tests that crash or stop it (the run's shared cluster
/// must stay up for the tests running beside them). Stopped and removed in the destructor.
class PrivateCluster {
public:
    PrivateCluster();
    ~PrivateCluster();
    PrivateCluster(const PrivateCluster&) = delete;
    PrivateCluster& operator=(const PrivateCluster&) = delete;
    /// A postgresql:// URL of its database `dispatchhub`, for DATABASE_URL.
    std::string url() const;
    std::string conninfo() const;
    /// `pg_ctl restart -m immediate`: a crash (no checkpoint, recovery at start); returns once it accepts connections.
    void crash_restart();
    /// `pg_ctl stop -m immediate`: the database is away until start().
    void crash_stop();
    void start();

private:
    std::string dir_;
    int port_;
    std::unique_ptr<db::EmbeddedPostgres> pg_;
};

int cluster_main(const std::string& command);  ///< --cluster-start / --cluster-stop

}  // namespace dh::test
