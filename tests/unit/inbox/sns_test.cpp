#include "inbox/sns.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/error.hpp"
#include "common/random.hpp"

namespace dh::inbox {
namespace {

namespace fs = std::filesystem;
constexpr const char* kCertUrl = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem";

std::string shell(const std::string& cmd) {
    std::string out;
    FILE* p = popen(("(" + cmd + ") 2>&1").c_str(), "r");
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    EXPECT_EQ(pclose(p), 0) << cmd << "\n" << out;
    return out;
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// A test CA with a signing certificate, and a second, untrusted CA with its own signer.
class Sns : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = fs::temp_directory_path() / ("dh-sns-" + random::hex(6));
        fs::create_directories(dir_);
        for (std::string ca : {"trusted", "other"}) {
            shell("cd " + dir_.string() + " && openssl req -x509 -newkey rsa:2048 -nodes -keyout " + ca +
                  "-ca.key -out " + ca + "-ca.pem -days 2 -subj '/CN=" + ca +
                  " test CA' -addext basicConstraints=critical,CA:TRUE"
                  " -addext keyUsage=critical,keyCertSign,cRLSign");
            shell("cd " + dir_.string() + " && openssl req -newkey rsa:2048 -nodes -keyout " + ca +
                  "-signer.key -out " + ca + ".csr -subj /CN=sns.amazonaws.com && openssl x509 -req -in " + ca +
                  ".csr -CA " + ca + "-ca.pem -CAkey " + ca + "-ca.key -CAcreateserial -out " + ca +
                  "-signer.pem -days 2");
        }
    }
    static void TearDownTestSuite() { fs::remove_all(dir_); }

    /// Signs `text` with a signer's key using the openssl CLI; returns base64.
    static std::string sign(const std::string& text, const std::string& signer, const std::string& digest) {
        std::string file = (dir_ / ("canon-" + random::hex(4))).string();
        std::ofstream(file, std::ios::binary) << text;
        std::string b64 = shell("openssl dgst -" + digest + " -sign " + (dir_ / (signer + "-signer.key")).string() +
                                " " + file + " | base64 -w0");
        fs::remove(file);
        return b64;
    }

    SnsVerifier verifier(const std::string& served_signer = "trusted") {
        SnsVerifier::Options o;
        o.ca_file = (dir_ / "trusted-ca.pem").string();
        std::string pem = slurp(dir_ / (served_signer + "-signer.pem"));
        o.fetch = [this, pem](const std::string& url) {
            ++fetches_;
            return url == kCertUrl ? pem : std::string();
        };
        return SnsVerifier(o);
    }

    static SnsMessage notification(const std::string& version, const std::string& signer = "trusted") {
        SnsMessage m;
        m.type = "Notification";
        m.message_id = "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324";
        m.topic_arn = "arn:aws:sns:eu-west-1:123456789012:ses-events";
        m.has_subject = true;
        m.subject = "Amazon SES Email Event Notification";
        m.message = R"({"notificationType":"Bounce","bounce":{"bounceType":"Permanent"}})";
        m.timestamp = "2024-05-08T09:00:00.000Z";
        m.signature_version = version;
        m.signing_cert_url = kCertUrl;
        // Written out by hand from AWS's documentation, independently of sns_string_to_sign().
        std::string canonical = "Message\n" + m.message + "\nMessageId\n" + m.message_id + "\nSubject\n" + m.subject +
                                "\nTimestamp\n" + m.timestamp + "\nTopicArn\n" + m.topic_arn + "\nType\nNotification\n";
        m.signature = sign(canonical, signer, version == "1" ? "sha1" : "sha256");
        return m;
    }

    static fs::path dir_;
    std::atomic<int> fetches_{0};
};

fs::path Sns::dir_;

TEST_F(Sns, ValidNotificationsAreAcceptedWithBothSignatureVersions) {
    auto v = verifier();
    for (std::string version : {"1", "2"}) {
        SnsVerification r = v.verify(notification(version));
        EXPECT_TRUE(r.valid) << version << ": " << r.reason;
    }
    EXPECT_EQ(fetches_, 1) << "the certificate is cached by URL";
}

TEST_F(Sns, SubscriptionConfirmationAndJsonRoundTrip) {
    nlohmann::json body = {
        {"Type", "SubscriptionConfirmation"},
        {"MessageId", "165545c9-2a5c-472c-8df2-7ff2be2b3b1b"},
        {"Token", "2336412f37fb687f5d51e6e2425c464de12884"},
        {"TopicArn", "arn:aws:sns:eu-west-1:123456789012:ses-events"},
        {"Message", "You have chosen to subscribe to the topic.\nTo confirm, visit the SubscribeURL."},
        {"SubscribeURL", "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=2336"},
        {"Timestamp", "2024-05-08T09:00:00.000Z"},
        {"SignatureVersion", "2"},
        {"SigningCertURL", kCertUrl}};
    std::string canonical = "Message\n" + body["Message"].get<std::string>() + "\nMessageId\n" +
                            body["MessageId"].get<std::string>() + "\nSubscribeURL\n" +
                            body["SubscribeURL"].get<std::string>() + "\nTimestamp\n2024-05-08T09:00:00.000Z\nToken\n" +
                            body["Token"].get<std::string>() + "\nTopicArn\n" + body["TopicArn"].get<std::string>() +
                            "\nType\nSubscriptionConfirmation\n";
    body["Signature"] = sign(canonical, "trusted", "sha256");
    SnsMessage m = parse_sns_message(body.dump());
    EXPECT_EQ(sns_string_to_sign(m), canonical);
    auto r = verifier().verify(m);
    EXPECT_TRUE(r.valid) << r.reason;
    EXPECT_EQ(m.subscribe_url, body["SubscribeURL"]);
}

TEST_F(Sns, TamperedBodyIsRejected) {
    auto v = verifier();
    SnsMessage m = notification("2");
    m.message = R"({"notificationType":"Bounce","bounce":{"bounceType":"Transient"}})";
    EXPECT_FALSE(v.verify(m).valid);
    m = notification("2");
    m.has_subject = false;  // dropping a signed field changes the string to sign
    EXPECT_FALSE(v.verify(m).valid);
}

TEST_F(Sns, WrongSignatureIsRejected) {
    auto v = verifier();
    SnsMessage m = notification("2", "other");  // signed by another key than the served certificate's
    SnsVerification r = v.verify(m);
    EXPECT_FALSE(r.valid);
    EXPECT_EQ(r.reason, "the signature does not match the message");
    m = notification("2");
    m.signature = "not base64!";
    EXPECT_FALSE(v.verify(m).valid);
    m = notification("1");
    m.signature_version = "2";  // SHA1 signature checked as SHA256
    EXPECT_FALSE(v.verify(m).valid);
    m.signature_version = "3";
    EXPECT_EQ(v.verify(m).reason, "unsupported SignatureVersion");
}

TEST_F(Sns, UntrustedCertificateUrlsAreNeverFetched) {
    auto v = verifier();
    for (std::string url :
         {"http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem",
          "https://evil.example/SimpleNotificationService-test.pem",
          "https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem",
          "https://sns.eu-west-1.amazonaws.com@evil.example/cert.pem",
          "https://sns.eu-west-1.amazonaws.com:8443/cert.pem", "https://sns.eu-west-1.amazonaws.com/cert.pem?x=.pem",
          "https://sqs.eu-west-1.amazonaws.com/cert.pem", "https://sns.eu-west-1.amazonaws.com/cert.txt"}) {
        SnsMessage m = notification("2");
        m.signing_cert_url = url;
        SnsVerification r = v.verify(m);
        EXPECT_FALSE(r.valid) << url;
        EXPECT_EQ(r.reason, "SigningCertURL is not an allow-listed AWS host") << url;
    }
    EXPECT_EQ(fetches_, 0);
    EXPECT_TRUE(v.trusted_certificate_url(kCertUrl));
}

TEST_F(Sns, CertificateFromAnotherCaIsRejected) {
    auto v = verifier("other");  // the URL serves a certificate our CA did not issue
    SnsVerification r = v.verify(notification("2", "other"));
    EXPECT_FALSE(r.valid);
    EXPECT_NE(r.reason.find("not trusted"), std::string::npos) << r.reason;
}

TEST_F(Sns, FileFetcherServesTheConfiguredCertificate) {
    SnsVerifier::Options o;
    o.ca_file = (dir_ / "trusted-ca.pem").string();
    o.fetch = file_certificate_fetcher((dir_ / "trusted-signer.pem").string());
    SnsVerifier v(o);
    EXPECT_TRUE(v.verify(notification("2")).valid);
    SnsMessage m = notification("2");
    m.signing_cert_url = "https://evil.example/x.pem";
    EXPECT_FALSE(v.verify(m).valid) << "the host allow-list still applies";
}

TEST(SnsParse, RejectsBodiesThatAreNotSns) {
    EXPECT_THROW(parse_sns_message("not json"), Error);
    EXPECT_THROW(parse_sns_message(R"({"Type":"Notification"})"), Error);
    SnsMessage m = parse_sns_message(
        R"({"Type":"Notification","MessageId":"1","Subject":null,"Message":"m","Signature":"c2ln","Timestamp":"t","TopicArn":"a"})");
    EXPECT_FALSE(m.has_subject) << "a null Subject is not part of the string to sign";
    EXPECT_EQ(sns_string_to_sign(m), "Message\nm\nMessageId\n1\nTimestamp\nt\nTopicArn\na\nType\nNotification\n");
}

}  // namespace
}  // namespace dh::inbox
