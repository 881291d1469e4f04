// DKIM signatures checked by an implementation nobody here wrote: Debian's python3-dkim, with the
// key record exactly as the API tells a tenant to publish it.
#include "domains/dkim_signer.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <regex>

#include "common/random.hpp"
#include "domains/dkim_key.hpp"

namespace dh::domains {
namespace {

const DkimKeyPair& key_pair() {
    static const DkimKeyPair pair = generate_rsa_key(2048);
    return pair;
}

const std::string kMessage =
    "From: Acme Payments <payments@acme.example>\r\n"
    "To: Vendor <ap@vendor.example>\r\n"
    "Reply-To: AP <ap@acme.example>\r\n"
    "Subject: Payment run  of\r\n  March\r\n"
    "Date: Mon, 02 Mar 2026 10:00:00 +0000\r\n"
    "Message-ID: <d1@acme.example>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "X-DispatchHub-Delivery: d1\r\n"
    "\r\n"
    "Dear vendor,  \r\n"
    "\r\n"
    "we paid\tyour invoices.\r\n"
    "\r\n"
    "\r\n";

const DkimKeyPair& ed25519_pair() {
    static const DkimKeyPair pair = generate_ed25519_key();
    return pair;
}

/// python3-dkim's verdict on `message`; `records` as dkim_check.py reads them: one record value for
/// any selector, or lines of "name<TAB>value". Default: the test RSA key's record.
std::string verdict(const std::string& message, std::string records = {}) {
    if (records.empty()) records = "v=DKIM1; k=rsa; p=" + key_pair().public_base64;
    auto base = "/tmp/dh-dkim-" + random::hex(6);
    std::ofstream(base + ".eml", std::ios::binary) << message;
    std::ofstream(base + ".txt") << records;
    std::string cmd =
        "/usr/bin/python3 " DH_SOURCE_DIR "/tests/tools/dkim_check.py " + base + ".eml " + base + ".txt 2>&1";
    std::string out;
    if (FILE* p = popen(cmd.c_str(), "r")) {
        char buf[512];
        while (fgets(buf, sizeof buf, p)) out += buf;
        pclose(p);
    }
    std::remove((base + ".eml").c_str());
    std::remove((base + ".txt").c_str());
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

std::string signed_message() {
    DkimKey key("acme.example", "dhsel1", key_pair().private_pem);
    return dkim_sign(kMessage, key, 1772445600);
}

TEST(DkimSigner, SignaturesVerifyWithPython3Dkim) {
    EXPECT_EQ(verdict(signed_message()), "verified");
}

TEST(DkimSigner, TheSignatureNamesItsParametersAndOverSignsFrom) {
    auto m = signed_message();
    auto header = m.substr(0, m.find("\r\nFrom:"));
    EXPECT_NE(header.find("a=rsa-sha256;"), std::string::npos);
    EXPECT_NE(header.find("c=relaxed/relaxed;"), std::string::npos);
    EXPECT_NE(header.find("d=acme.example;"), std::string::npos);
    EXPECT_NE(header.find("s=dhsel1;"), std::string::npos);
    EXPECT_EQ(header.find("l="), std::string::npos);
    EXPECT_NE(header.find("h=from:to:subject:date:message-id:reply-to:mime-version:content-type:from;"),
              std::string::npos)
        << header;
}

TEST(DkimSigner, AChangedBodyOrHeaderOrAnAddedFromFailsVerification) {
    auto m = signed_message();
    auto body = m;
    body.replace(body.find("invoices"), 8, "invoiceZ");
    EXPECT_NE(verdict(body), "verified");
    auto subject = std::regex_replace(m, std::regex("Subject: Payment run"), "Subject: New bank details");
    EXPECT_NE(verdict(subject), "verified");
    auto from = m;
    from.insert(from.find("MIME-Version:"), "From: Attacker <ceo@acme.example>\r\n");
    EXPECT_NE(verdict(from), "verified");
    // Relaxed canonicalization forgives what relays do to whitespace.
    auto refolded = m;
    const std::string folded = "Subject: Payment run  of\r\n  March";
    refolded.replace(refolded.find(folded), folded.size(), "Subject:  Payment run of March");
    EXPECT_EQ(verdict(refolded), "verified");
}

TEST(DkimSigner, RelaxedCanonicalizationFollowsRfc6376) {
    // RFC 6376 3.4.6 example.
    EXPECT_EQ(relaxed_header("A: X\r\n"), "a:X\r\n");
    EXPECT_EQ(relaxed_header("B : Y\t\r\n\tZ  \r\n"), "b:Y Z\r\n");
    EXPECT_EQ(relaxed_body(" C \r\nD \t E\r\n\r\n\r\n"), " C\r\nD E\r\n");
    EXPECT_EQ(relaxed_body(""), "");
    EXPECT_EQ(relaxed_body("\r\n\r\n"), "");
    EXPECT_EQ(relaxed_body("no newline"), "no newline\r\n");
}

TEST(DkimSigner, KeysAreRsa2048AndAPemThatIsNotAKeyIsRefused) {
    EXPECT_EQ(key_pair().public_base64.size(), 392u);  // DER SubjectPublicKeyInfo of a 2048-bit modulus
    EXPECT_NE(key_pair().private_pem.find("PRIVATE KEY"), std::string::npos);
    EXPECT_THROW(DkimKey("acme.example", "s", "not a key"), std::runtime_error);
    EXPECT_NE(new_selector(), new_selector());
}

std::string base64_decode(const std::string& text) {
    std::string out(text.size(), '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    out.resize(n - std::count(text.begin(), text.end(), '='));  // DecodeBlock keeps the padding's zero bytes
    return out;
}

std::string base64_encode(const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(n);
    return out;
}

// RFC 8463 Appendix A: the example key (A.2) signs the example message (A.1) into the published
// signature (A.3), byte for byte: Ed25519 is deterministic, so our canonicalization, hashing and
// signing must agree with the RFC's exactly.
TEST(DkimSigner, Ed25519SignsRfc8463sExampleIntoItsPublishedSignature) {
    const std::string head =
        "From: Joe SixPack <joe@football.example.com>\r\n"
        "To: Suzie Q <suzie@shopping.example.net>\r\n"
        "Subject: Is dinner ready?\r\n"
        "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
        "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n";
    const std::string body = "Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n\r\n";
    const std::string signature_field =
        "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
        " d=football.example.com; i=@football.example.com;\r\n"
        " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
        " subject : date : message-id : from : subject : date;\r\n"
        " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
        " b=";
    DkimKey key("football.example.com", "brisbane",
                ed25519_pem_from_seed(base64_decode("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")));
    EXPECT_STREQ(key.algorithm(), "ed25519-sha256");

    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    auto canonical_body = relaxed_body(body);
    EVP_Digest(canonical_body.data(), canonical_body.size(), md, &len, EVP_sha256(), nullptr);
    EXPECT_EQ(base64_encode(std::string(reinterpret_cast<char*>(md), len)),
              "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");

    // h= names from, to, subject, date, message-id, then from, subject and date again (absent
    // instances: they sign nothing), and last the signature field itself without b='s value or CRLF.
    std::string data;
    std::size_t start = 0;
    for (auto end = head.find("\r\n"); end != std::string::npos; start = end + 2, end = head.find("\r\n", start))
        data += relaxed_header(head.substr(start, end + 2 - start));
    auto own = relaxed_header(signature_field + "\r\n");
    data += own.substr(0, own.size() - 2);
    EXPECT_EQ(base64_encode(key.sign(data)),
              "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==");
}

TEST(DkimSigner, Ed25519KeysPublishTheRawKeyAndTheirSignaturesVerifyWithPython3Dkim) {
    EXPECT_EQ(base64_decode(ed25519_pair().public_base64).size(), 32u);  // RFC 8463 4: the raw key, not DER
    DkimKey key("acme.example", "dhed1", ed25519_pair().private_pem);
    auto m = dkim_sign(kMessage, key, 1772445600);
    EXPECT_NE(m.find("a=ed25519-sha256;"), std::string::npos);
    const auto record = "v=DKIM1; k=ed25519; p=" + ed25519_pair().public_base64;
    EXPECT_EQ(verdict(m, record), "verified");
    auto tampered = m;
    tampered.replace(tampered.find("invoices"), 8, "invoiceZ");
    EXPECT_NE(verdict(tampered, record), "verified");
}

TEST(DkimSigner, AMessageSignedWithBothKeysCarriesTwoSignaturesThatEachVerify) {
    DkimKey ed("acme.example", "dhed1", ed25519_pair().private_pem);
    DkimKey rsa("acme.example", "dhsel1", key_pair().private_pem);
    auto m = dkim_sign(dkim_sign(kMessage, ed, 1772445600), rsa, 1772445600);
    EXPECT_LT(m.find("a=rsa-sha256;"), m.find("a=ed25519-sha256;"));  // RSA, which every receiver checks, on top
    const auto records = "dhed1._domainkey.acme.example.\tv=DKIM1; k=ed25519; p=" + ed25519_pair().public_base64 +
                         "\ndhsel1._domainkey.acme.example.\tv=DKIM1; k=rsa; p=" + key_pair().public_base64 + "\n";
    EXPECT_EQ(verdict(m, records), "verified");
    auto tampered = std::regex_replace(m, std::regex("Subject: Payment run"), "Subject: New bank details");
    EXPECT_NE(verdict(tampered, records), "verified");
}

}  // namespace
}  // namespace dh::domains
