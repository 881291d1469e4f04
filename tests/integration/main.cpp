#include <curl/curl.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>

#include "harness/cluster.hpp"

int main(int argc, char** argv) {
    if (argc == 2 && (std::strcmp(argv[1], "--cluster-start") == 0 || std::strcmp(argv[1], "--cluster-stop") == 0))
        return dh::test::cluster_main(argv[1]);
    if (sodium_init() < 0) return 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
