#include "vendors/address.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "mail/mime_builder.hpp"

namespace dh::vendors {
namespace {

struct Valid {
    const char* input;
    const char* normalized;
};

TEST(Address, AcceptsAndNormalizes) {
    const Valid cases[] = {
        {"pat@steel.example", "pat@steel.example"},
        {"Pat.Smith@Steel.EXAMPLE", "Pat.Smith@steel.example"},  // local part kept as given
        {"  ap@vendor.example\t", "ap@vendor.example"},
        {"a+tag@sub.domain.example", "a+tag@sub.domain.example"},
        {"o'brien@x.example", "o'brien@x.example"},
        {"x!#$%&*/=?^_`{|}~-@x.example", "x!#$%&*/=?^_`{|}~-@x.example"},
        {"info@bücher.example", "info@xn--bcher-kva.example"},
        {"info@BÜCHER.example", "info@xn--bcher-kva.example"},
        {"kontakt@münchen.de", "kontakt@xn--mnchen-3ya.de"},
        {"a@xn--bcher-kva.example", "a@xn--bcher-kva.example"},
        {"a@1-2.example", "a@1-2.example"},
    };
    for (auto& c : cases) {
        auto r = check_address(c.input);
        EXPECT_TRUE(r.ok) << c.input << ": " << r.reason;
        EXPECT_EQ(r.address, c.normalized) << c.input;
    }
}

TEST(Address, RejectsWithAReason) {
    const char* cases[] = {
        "",
        "   ",
        "plain",
        "@x.example",
        "a@",
        "a@@x.example",
        "a@b@x.example",
        "broken1@@nowhere",
        "x@y.example\r\nBcc: evil@z.example",
        "x@y.example\nBcc: evil@z.example",
        "x\r@y.example",
        "a\x01@x.example",
        "a b@x.example",
        "a@x .example",
        ".a@x.example",
        "a.@x.example",
        "a..b@x.example",
        "a(b)@x.example",
        "a,b@x.example",
        "a@localhost",
        "a@x..example",
        "a@-x.example",
        "a@x-.example",
        "a@x_y.example",
        "a@[127.0.0.1]",
        "a@x.example.",
        "\"unterminated@x.example",
        "\"a\"b@x.example",
        // Quoted local parts: valid RFC 5321, but the message builder writes dot-atoms only.
        "\"john doe\"@x.example",
        "\"a@b\"@x.example",
        "\"q\\\"uote\"@x.example",
        "jörg@x.example",
        "a@\xff\xfe.example",
    };
    for (auto* c : cases) {
        auto r = check_address(c);
        EXPECT_FALSE(r.ok) << "accepted: " << c;
        EXPECT_FALSE(r.reason.empty()) << c;
    }
}

TEST(Address, RejectsNulInside) {
    EXPECT_FALSE(check_address(std::string_view("x\0y@z.example", 13)).ok);
    EXPECT_FALSE(check_address(std::string_view("xy@z.exam\0ple", 14)).ok);
}

TEST(Address, EnforcesRfc5321Lengths) {
    std::string local64(64, 'a'), local65(65, 'a');
    EXPECT_TRUE(check_address(local64 + "@x.example").ok);
    EXPECT_FALSE(check_address(local65 + "@x.example").ok);
    std::string label63(63, 'b'), label64(64, 'b');
    EXPECT_TRUE(check_address("a@" + label63 + ".example").ok);
    EXPECT_FALSE(check_address("a@" + label64 + ".example").ok);
    // 64 + 1 + 189 = 254 octets is the longest address.
    std::string domain189 = std::string(63, 'c') + "." + std::string(63, 'd') + "." + std::string(61, 'e');
    ASSERT_EQ(domain189.size(), 189u);
    EXPECT_TRUE(check_address(local64 + "@" + domain189).ok);
    EXPECT_FALSE(check_address(local64 + "@" + domain189 + "e").ok);
    std::string domain256;
    while (domain256.size() < 256) domain256 += "abcdefghij.";
    domain256 += "example";
    EXPECT_FALSE(check_address("a@" + domain256).ok);
}

TEST(Address, NormalizeThrowsA422NamingTheField) {
    try {
        normalize_address("x@y\r\nBcc: z@w", "contacts[0].email");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::unprocessable);
        EXPECT_EQ(e.code(), "validation_failed");
        EXPECT_EQ(std::get<std::string>(e.extensions().at("field")), "contacts[0].email");
    }
    EXPECT_EQ(normalize_address("A@B.Example", "email"), "A@b.example");
}

}  // namespace
}  // namespace dh::vendors

namespace dh::vendors {
namespace {

// A vendor address is written into To headers: every address check_address accepts must be one the
// message builder accepts.
TEST(Address, EveryNormalizedAddressIsOneTheBuilderWrites) {
    for (auto* input : {"pat@steel.example", "Pat.Smith@Steel.EXAMPLE", "info@bücher.example",
                        "x!#$%&*/=?^_`{|}~-@x.example", "o'brien@x.example"}) {
        auto r = check_address(input);
        ASSERT_TRUE(r.ok) << input;
        EXPECT_TRUE(mail::is_valid_address(r.address)) << r.address;
    }
}

TEST(Address, SuppressionEntriesAreLowerCasedAddressesOrWholeDomains) {
    auto a = check_suppression_address(" AP3@Vendor3.Example.com ");
    ASSERT_TRUE(a.ok) << a.reason;
    EXPECT_EQ(a.address, "ap3@vendor3.example.com");
    EXPECT_EQ(suppression_kind(a.address), "address");
    auto d = check_suppression_address("@Vendor5.EXAMPLE.com");
    ASSERT_TRUE(d.ok) << d.reason;
    EXPECT_EQ(d.address, "@vendor5.example.com");
    EXPECT_EQ(suppression_kind(d.address), "domain");
    for (auto bad : {"*@vendor5.example.com", "ap*@vendor5.example.com", "@*.example.com", "a?@x.example",
                     "%@x.example", "@", "@nodot", "@@x.example", "x@"}) {
        auto r = check_suppression_address(bad);
        EXPECT_FALSE(r.ok) << bad;
        EXPECT_FALSE(r.reason.empty()) << bad;
    }
}

}  // namespace
}  // namespace dh::vendors
