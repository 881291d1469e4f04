#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/auth_store.hpp"

namespace dh::auth {

/// What authentication reads from the database (a token's user with its tenant's status, an API
/// key's row), kept for a few seconds so that an authenticated request needs no transaction of its
/// own. It stays exact because every change that can end or narrow a session drops what it touches:
/// - in this process, the service that made the change drops it after its commit, before it answers;
/// - in every process, the database notifies the change at commit (migration 0024, channel
///   `dispatchhub_principals`) and the server's listener drops it;
/// - while the listener is not connected (a database restart) nothing is kept, since a change could
///   go unheard; the cache starts empty each time the listener is back.
/// Changes are seen through the users' token_version (raised by every change of password, role or
/// status, and for every user of a tenant whose status changes), the email, and API keys.
class PrincipalCache {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    /// `ttl` 0: nothing is ever kept.
    explicit PrincipalCache(std::chrono::milliseconds ttl, Clock clock = std::chrono::steady_clock::now);

    /// Read it before the database read whose result is to be put: a put is ignored when anything
    /// was dropped in between (the row read may be the one that was just changed).
    std::uint64_t generation() const;

    std::optional<Candidate> user(const std::string& user_id) const;
    void put_user(const std::string& user_id, const Candidate& row, std::uint64_t generation);
    std::optional<ApiKeyRow> api_key(const std::string& key_hash) const;
    void put_api_key(const std::string& key_hash, const ApiKeyRow& row, std::uint64_t generation);

    void drop_user(const std::string& user_id);
    /// The tenant's users and API keys (its status changed).
    void drop_tenant(const std::string& tenant_id);
    void drop_api_key(const std::string& key_id);
    void clear();
    /// What a notification of migration 0024 names: "u:<user id>", "t:<tenant id>" or "k:<key id>";
    /// anything else clears the whole cache.
    void apply_notice(const std::string& payload);
    /// Whether changes made by other processes are heard. While not, nothing is kept.
    void set_listening(bool listening);

    /// Counts each lookup as a hit or a miss (metrics). Set before use.
    void count_lookups(std::function<void()> hit, std::function<void()> miss) {
        count_hit_ = std::move(hit);
        count_miss_ = std::move(miss);
    }

    /// The most entries of each kind; a full cache starts over.
    static constexpr std::size_t kMaxEntries = 10000;

private:
    template <class Row>
    struct Entry {
        Row row;
        std::chrono::steady_clock::time_point expires;
    };
    bool keeping() const { return ttl_.count() > 0 && listening_; }
    /// A fresh entry of `key` (counted as a hit or a miss).
    template <class Row>
    std::optional<Row> find_in(const std::unordered_map<std::string, Entry<Row>>& map, const std::string& key) const;
    /// Keeps `row` unless something was dropped since `generation` was read.
    template <class Row>
    void keep_in(std::unordered_map<std::string, Entry<Row>>& map, const std::string& key, const Row& row,
                 std::uint64_t generation);

    const std::chrono::milliseconds ttl_;
    const Clock clock_;
    mutable std::mutex mutex_;
    bool listening_ = false;
    std::uint64_t generation_ = 0;
    std::unordered_map<std::string, Entry<Candidate>> users_;
    std::unordered_map<std::string, Entry<ApiKeyRow>> api_keys_;  // by key hash
    std::function<void()> count_hit_, count_miss_;
};

}  // namespace dh::auth
