#include "auth/key_use_recorder.hpp"

#include "auth/auth_store.hpp"
#include "common/log.hpp"
#include "db/tx.hpp"

namespace dh::auth {

KeyUseRecorder::KeyUseRecorder(db::Pool& pool) : pool_(pool), thread_([this] { run(); }) {}

KeyUseRecorder::~KeyUseRecorder() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void KeyUseRecorder::used(const std::string& key_id) {
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(mutex_);
        if (noted_.size() > 10000)
            std::erase_if(noted_, [&](const auto& use) { return now - use.second >= kInterval; });
        auto [it, inserted] = noted_.try_emplace(key_id, now);
        if (!inserted && now - it->second < kInterval) return;
        it->second = now;
        pending_.push_back(key_id);
    }
    wake_.notify_one();
}

void KeyUseRecorder::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
        if (pending_.empty()) break;  // stopping, nothing left
        auto batch = std::move(pending_);
        pending_.clear();
        lock.unlock();
        write(std::move(batch));
        lock.lock();
    }
}

void KeyUseRecorder::write(std::vector<std::string> key_ids) {
    try {
        db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
            tx.commit_with_next(true);  // writing a time twice does no harm
            auth_store::touch_api_keys(tx, key_ids);
        });
    } catch (const std::exception& e) {
        log::warn("API key use not recorded", {{"keys", key_ids.size()}, {"error", e.what()}});
    }
}

}  // namespace dh::auth
