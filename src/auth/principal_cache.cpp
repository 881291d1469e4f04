#include "auth/principal_cache.hpp"

namespace dh::auth {

PrincipalCache::PrincipalCache(std::chrono::milliseconds ttl, Clock clock) : ttl_(ttl), clock_(std::move(clock)) {}

std::uint64_t PrincipalCache::generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
}

template <class Row>
std::optional<Row> PrincipalCache::find_in(const std::unordered_map<std::string, Entry<Row>>& map,
                                           const std::string& key) const {
    std::unique_lock lock(mutex_);
    std::optional<Row> found;
    if (auto it = map.find(key); keeping() && it != map.end() && it->second.expires > clock_()) found = it->second.row;
    lock.unlock();
    if (found ? count_hit_ : count_miss_) (found ? count_hit_ : count_miss_)();
    return found;
}

template <class Row>
void PrincipalCache::keep_in(std::unordered_map<std::string, Entry<Row>>& map, const std::string& key, const Row& row,
                             std::uint64_t generation) {
    std::lock_guard lock(mutex_);
    if (!keeping() || generation != generation_) return;
    if (map.size() >= kMaxEntries) map.clear();
    map.insert_or_assign(key, Entry<Row>{row, clock_() + ttl_});
}

std::optional<Candidate> PrincipalCache::user(const std::string& user_id) const {
    return find_in(users_, user_id);
}

void PrincipalCache::put_user(const std::string& user_id, const Candidate& row, std::uint64_t generation) {
    keep_in(users_, user_id, row, generation);
}

std::optional<ApiKeyRow> PrincipalCache::api_key(const std::string& key_hash) const {
    return find_in(api_keys_, key_hash);
}

void PrincipalCache::put_api_key(const std::string& key_hash, const ApiKeyRow& row, std::uint64_t generation) {
    keep_in(api_keys_, key_hash, row, generation);
}

void PrincipalCache::drop_user(const std::string& user_id) {
    std::lock_guard lock(mutex_);
    ++generation_;
    users_.erase(user_id);
}

void PrincipalCache::drop_tenant(const std::string& tenant_id) {
    std::lock_guard lock(mutex_);
    ++generation_;
    std::erase_if(users_, [&](const auto& e) { return e.second.row.user.tenant_id == tenant_id; });
    std::erase_if(api_keys_, [&](const auto& e) { return e.second.row.tenant_id == tenant_id; });
}

void PrincipalCache::drop_api_key(const std::string& key_id) {
    std::lock_guard lock(mutex_);
    ++generation_;
    std::erase_if(api_keys_, [&](const auto& e) { return e.second.row.id == key_id; });
}

void PrincipalCache::clear() {
    std::lock_guard lock(mutex_);
    ++generation_;
    users_.clear();
    api_keys_.clear();
}

void PrincipalCache::apply_notice(const std::string& payload) {
    const std::string id = payload.size() > 2 ? payload.substr(2) : "";
    if (payload.starts_with("u:") && !id.empty()) return drop_user(id);
    if (payload.starts_with("t:") && !id.empty()) return drop_tenant(id);
    if (payload.starts_with("k:") && !id.empty()) return drop_api_key(id);
    clear();
}

void PrincipalCache::set_listening(bool listening) {
    std::lock_guard lock(mutex_);
    ++generation_;
    listening_ = listening;
    users_.clear();
    api_keys_.clear();
}

}  // namespace dh::auth
