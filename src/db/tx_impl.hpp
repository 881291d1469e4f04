#pragma once
#include <type_traits>

#include "common/error.hpp"

namespace dh::db {

template <class Fn>
auto with_tx(Pool& pool, const Scope& scope, Fn&& fn) -> decltype(fn(std::declval<Tx&>())) {
    using R = decltype(fn(std::declval<Tx&>()));
    for (int attempt = 1;; ++attempt) {
        try {
            Tx tx(pool, scope);
            if constexpr (std::is_void_v<R>) {
                fn(tx);
                tx.commit();
                return;
            } else {
                R result = fn(tx);
                tx.commit();
                return result;
            }
        } catch (const Error& e) {
            if (e.code() != "concurrent_update" || attempt >= 5) throw;
        }
    }
}

}  // namespace dh::db
