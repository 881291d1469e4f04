// DKIM signatures checked by an implementation nobody here wrote: Debian's python3-dkim, with the
// key record exactly as the API tells a tenant to publish it.
#include "domains/dkim_signer.hpp"

#include <gtest/gtest.h>

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

/// python3-dkim's verdict on `message` with the public key record of the test key.
std::string verdict(const std::string& message) {
    auto base = "/tmp/dh-dkim-" + random::hex(6);
    std::ofstream(base + ".eml", std::ios::binary) << message;
    std::ofstream(base + ".txt") << "v=DKIM1; k=rsa; p=" << key_pair().public_base64;
    std::string cmd = "/usr/bin/python3 " DH_SOURCE_DIR "/tests/tools/dkim_check.py " + base + ".eml " + base + ".txt 2>&1";
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

TEST(DkimSigner, KeysAreRsa2048AndAPemThatIsNotRsaIsRefused) {
    EXPECT_EQ(key_pair().public_base64.size(), 392u);  // DER SubjectPublicKeyInfo of a 2048-bit modulus
    EXPECT_NE(key_pair().private_pem.find("PRIVATE KEY"), std::string::npos);
    EXPECT_THROW(DkimKey("acme.example", "s", "not a key"), std::runtime_error);
    EXPECT_NE(new_selector(), new_selector());
}

}  // namespace
}  // namespace dh::domains
