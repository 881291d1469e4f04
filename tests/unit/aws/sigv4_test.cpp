// The SigV4 signer against AWS's published test suite (tests/data/sigv4): each step of the
// algorithm (canonical request, string to sign, Authorization header) and the complete sign().
#include "aws/sigv4.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dh::aws {
namespace {

namespace fs = std::filesystem;

const std::string kVectors = std::string(DH_SOURCE_DIR) + "/tests/data/sigv4";
const Credentials kSuiteCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", {}};
const Scope kScope{"20150830", "us-east-1", "service"};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// Parses a .req file: "METHOD target HTTP/1.1", "Name:value" lines, a blank line, the body.
SignableRequest parse_req(const std::string& text) {
    SignableRequest r;
    auto blank = text.find("\n\n");
    std::string head = text.substr(0, blank);
    if (blank != std::string::npos) r.body = text.substr(blank + 2);
    std::istringstream lines(head);
    std::string line;
    std::getline(lines, line);
    auto first = line.find(' '), last = line.rfind(' ');
    r.method = line.substr(0, first);
    std::string target = line.substr(first + 1, last - first - 1);
    auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    while (std::getline(lines, line)) {
        auto colon = line.find(':');
        r.headers.push_back({line.substr(0, colon), line.substr(colon + 1)});
    }
    return r;
}

std::vector<std::string> vector_names() {
    std::vector<std::string> names;
    for (auto& e : fs::directory_iterator(kVectors))
        if (e.is_directory()) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

class SigV4Suite : public ::testing::TestWithParam<std::string> {
protected:
    std::string file(const std::string& ext) const {
        return slurp(fs::path(kVectors) / GetParam() / (GetParam() + ext));
    }
};

TEST_P(SigV4Suite, CanonicalRequestStringToSignAndAuthorization) {
    auto request = parse_req(file(".req"));
    auto creq = canonical_request(request);
    EXPECT_EQ(creq, file(".creq"));
    auto sts = string_to_sign("20150830T123600Z", kScope, creq);
    EXPECT_EQ(sts, file(".sts"));
    std::string signed_headers;
    canonical_headers(request.headers, signed_headers);
    auto signature = hex(hmac_sha256(signing_key(kSuiteCredentials.secret_access_key, kScope), sts));
    EXPECT_EQ(authorization_header("AKIDEXAMPLE", kScope, signed_headers, signature), file(".authz"));
}

TEST_P(SigV4Suite, SignProducesThePublishedAuthorizationHeader) {
    auto request = parse_req(file(".req"));
    Credentials creds = kSuiteCredentials;
    if (auto token = request.header("X-Amz-Security-Token")) creds.session_token = *token;
    // sign() sets X-Amz-Date itself: the suite's instant, 2015-08-30T12:36:00Z.
    sign(request, creds, "us-east-1", "service", std::chrono::system_clock::from_time_t(1440938160));
    EXPECT_EQ(request.header("Authorization").value_or(""), file(".authz"));
    EXPECT_EQ(request.header("X-Amz-Date").value_or(""), "20150830T123600Z");
}

INSTANTIATE_TEST_SUITE_P(AwsTestSuite, SigV4Suite, ::testing::ValuesIn(vector_names()), [](const auto& info) {
    std::string n = info.param;
    std::replace(n.begin(), n.end(), '-', '_');
    return n;
});

TEST(SigV4, SuiteIsPresent) {
    EXPECT_GE(vector_names().size(), 20u);
}

TEST(SigV4, SigningKeyMatchesTheDocumentedDerivation) {
    // AWS General Reference, "Examples of how to derive a signing key": 20120215/us-east-1/iam.
    auto key = signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {"20120215", "us-east-1", "iam"});
    EXPECT_EQ(hex(key), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4, SessionTokenIsSentAndSigned) {
    SignableRequest r{"POST", "/", "", {{"Host", "example.amazonaws.com"}}, "{}"};
    sign(r, {"AKID", "secret", "the-token", {}}, "eu-west-1", "ses",
         std::chrono::system_clock::from_time_t(1440938160));
    EXPECT_EQ(r.header("X-Amz-Security-Token").value_or(""), "the-token");
    EXPECT_NE(r.header("Authorization")->find("SignedHeaders=host;x-amz-date;x-amz-security-token,"),
              std::string::npos);
    EXPECT_NE(r.header("Authorization")->find("Credential=AKID/20150830/eu-west-1/ses/aws4_request"),
              std::string::npos);
}

TEST(SigV4, SigningTwiceReplacesInsteadOfDuplicating) {
    SignableRequest r{"GET", "/", "", {{"Host", "example.amazonaws.com"}}, ""};
    auto t = std::chrono::system_clock::from_time_t(1440938160);
    sign(r, kSuiteCredentials, "us-east-1", "service", t);
    auto first = *r.header("Authorization");
    sign(r, kSuiteCredentials, "us-east-1", "service", t);
    EXPECT_EQ(*r.header("Authorization"), first);
    EXPECT_EQ(r.headers.size(), 3u);
}

TEST(SigV4, BodyAndSecretChangeTheSignature) {
    auto t = std::chrono::system_clock::from_time_t(1440938160);
    auto signed_with = [&](const std::string& body, const std::string& secret) {
        SignableRequest r{"POST", "/", "", {{"Host", "h"}}, body};
        sign(r, {"AKID", secret, "", {}}, "us-east-1", "ses", t);
        return *r.header("Authorization");
    };
    EXPECT_NE(signed_with("a", "s1"), signed_with("b", "s1"));
    EXPECT_NE(signed_with("a", "s1"), signed_with("a", "s2"));
}

TEST(SigV4, RequiresHost) {
    SignableRequest r;
    EXPECT_THROW(sign(r, kSuiteCredentials, "us-east-1", "service", std::chrono::system_clock::now()),
                 std::invalid_argument);
}

TEST(SigV4, EncodingRules) {
    EXPECT_EQ(uri_encode("a b/c~d", false), "a%20b%2Fc~d");
    EXPECT_EQ(uri_encode("a b/c", true), "a%20b/c");
    EXPECT_EQ(canonical_query("b=2&a=1&a"), "a=&a=1&b=2");
    EXPECT_EQ(canonical_query("k=a%20b&k2=a+b"), "k=a%20b&k2=a%2Bb");
    EXPECT_EQ(canonical_uri(""), "/");
    EXPECT_EQ(canonical_uri("/v2/email/outbound-emails"), "/v2/email/outbound-emails");
    EXPECT_EQ(amz_date(std::chrono::system_clock::from_time_t(0)), "19700101T000000Z");
}

}  // namespace
}  // namespace dh::aws
