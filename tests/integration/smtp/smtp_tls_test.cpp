// STARTTLS, implicit TLS and AUTH against aiosmtpd with a CA generated for the test; relay health.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "harness/wait.hpp"
#include "smtp/smtp_peers.hpp"

namespace dh::test::smtp {
namespace {

using mail::Outcome;
using namespace std::chrono_literals;

/// A CA, a server certificate for localhost/127.0.0.1 signed by it, and one for another name.
class Certificates {
public:
    Certificates() {
        std::string script =
            "set -e; cd '" + dir_.path() +
            "'\n"
            "key='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes'\n"
            "openssl req -x509 $key -keyout ca.key -out ca.pem -days 2 -subj '/CN=DispatchHub Test CA' 2>/dev/null\n"
            "for n in server:DNS:localhost,IP:127.0.0.1 other:DNS:other.test; do\n"
            "  name=${n%%:*}; san=${n#*:}\n"
            "  openssl req $key -keyout $name.key -out $name.csr -subj /CN=$name 2>/dev/null\n"
            "  printf 'subjectAltName=%s\\n' $san > $name.ext\n"
            "  openssl x509 -req -in $name.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \\\n"
            "    -extfile $name.ext -out $name.pem 2>/dev/null\n"
            "done\n";
        std::string path = dir_.file("make.sh");
        std::ofstream(path) << script;
        if (std::system(("bash '" + path + "'").c_str()) != 0) throw std::runtime_error("openssl failed");
    }
    std::string file(const std::string& name) const { return dir_.file(name); }

private:
    TempDir dir_;
};

const Certificates& certificates() {
    static Certificates certs;
    return certs;
}

std::vector<std::string> tls_args(const std::string& cert = "server") {
    return {"--tls-cert", certificates().file(cert + ".pem"), "--tls-key", certificates().file(cert + ".key")};
}

std::vector<mail::OutgoingMessage> batch_of(int n) {
    std::vector<mail::OutgoingMessage> batch;
    for (int i = 0; i < n; ++i)
        batch.push_back(message("tls" + std::to_string(i), "v" + std::to_string(i) + "@x.test"));
    return batch;
}

void expect_relay_problem(const std::vector<mail::DeliveryResult>& results, const std::string& reason) {
    for (const auto& r : results) {
        EXPECT_EQ(r.outcome, Outcome::deferred) << r.id;
        EXPECT_TRUE(r.relay_problem) << r.id;
        EXPECT_EQ(r.reason, reason) << r.id;
    }
}

TEST(SmtpTls, StartTlsAndAuthPlainDeliver) {
    TempDir dir;
    auto args = aiosmtpd(dir, tls_args());
    for (auto a : {"--require-starttls", "--auth", "mailer:s3cret pass"}) args.push_back(a);
    Peer peer(args, "READY ");
    auto url =
        "smtp://mailer:s3cret%20pass@localhost:" + std::to_string(peer.port()) + "?ca=" + certificates().file("ca.pem");
    mail::SmtpTransport transport(test_options(url, 2));
    for (const auto& r : transport.send(batch_of(10))) EXPECT_EQ(r.outcome, Outcome::sent) << r.reason << r.reply;
    auto records = read_jsonl(dir.file("mail.jsonl"));
    ASSERT_EQ(records.size(), 10u);
    for (const auto& r : records) {
        EXPECT_TRUE(r["tls"].get<bool>());
        EXPECT_TRUE(r["authenticated"].get<bool>());
    }
    EXPECT_EQ(transport.health(), "");
}

TEST(SmtpTls, ImplicitTlsChecksTheIpAddressInTheCertificate) {
    TempDir dir;
    auto args = aiosmtpd(dir, tls_args());
    for (auto a : {"--implicit-tls", "--auth", "mailer:pw"}) args.push_back(a);
    Peer peer(args, "READY ");
    auto url = "smtps://mailer:pw@127.0.0.1:" + std::to_string(peer.port()) + "?ca=" + certificates().file("ca.pem");
    mail::SmtpTransport transport(test_options(url, 2));
    for (const auto& r : transport.send(batch_of(4))) EXPECT_EQ(r.outcome, Outcome::sent) << r.reason << r.reply;
}

TEST(SmtpTls, WrongPasswordIsARelayProblemAndPausesSending) {
    TempDir dir;
    auto args = aiosmtpd(dir, tls_args());
    for (auto a : {"--require-starttls", "--auth", "mailer:right"}) args.push_back(a);
    Peer peer(args, "READY ");
    auto url = "smtp://mailer:wrong@localhost:" + std::to_string(peer.port()) + "?ca=" + certificates().file("ca.pem");
    auto options = test_options(url, 3);
    options.relay_problem_pause = 5s;
    mail::SmtpTransport transport(options);
    auto results = transport.send(batch_of(12));
    expect_relay_problem(results, "the relay rejected our credentials");
    EXPECT_EQ(results[0].smtp_code, 535);
    EXPECT_EQ(transport.health(), "the relay rejected our credentials");
    // Paused: the next batch is deferred without knocking on the relay again.
    auto opened = transport.stats().connections_opened;
    EXPECT_LE(opened, 3u);
    expect_relay_problem(transport.send(batch_of(5)), "the relay rejected our credentials");
    EXPECT_EQ(transport.stats().connections_opened, opened);
    EXPECT_TRUE(read_jsonl(dir.file("mail.jsonl")).empty());
}

TEST(SmtpTls, MissingStartTlsWhenRequiredIsARelayProblem) {
    TempDir dir;
    Peer peer(aiosmtpd(dir, {}), "READY ");  // no certificate: no STARTTLS in EHLO
    mail::SmtpTransport transport(test_options("smtp://localhost:" + std::to_string(peer.port()), 2));
    expect_relay_problem(transport.send(batch_of(3)), "the relay does not offer STARTTLS");
    EXPECT_EQ(transport.health(), "the relay does not offer STARTTLS");
    EXPECT_TRUE(read_jsonl(dir.file("mail.jsonl")).empty());  // nothing went out in clear text
}

TEST(SmtpTls, UntrustedCertificateIsARelayProblem) {
    TempDir dir;
    auto args = aiosmtpd(dir, tls_args());
    args.push_back("--require-starttls");
    Peer peer(args, "READY ");
    // The system trust store does not know the test CA.
    mail::SmtpTransport transport(test_options("smtp://localhost:" + std::to_string(peer.port()), 1));
    expect_relay_problem(transport.send(batch_of(2)), "the relay's TLS certificate could not be verified");
    EXPECT_EQ(transport.health(), "the relay's TLS certificate could not be verified");
}

TEST(SmtpTls, CertificateForAnotherHostIsRefused) {
    TempDir dir;
    auto args = aiosmtpd(dir, tls_args("other"));
    args.push_back("--require-starttls");
    Peer peer(args, "READY ");
    auto url = "smtp://localhost:" + std::to_string(peer.port()) + "?ca=" + certificates().file("ca.pem");
    mail::SmtpTransport transport(test_options(url, 1));
    expect_relay_problem(transport.send(batch_of(2)), "the relay's TLS certificate could not be verified");
    // verify=0 (tests only) accepts it.
    mail::SmtpTransport lax(test_options(url + "&verify=0", 1));
    for (const auto& r : lax.send(batch_of(2))) EXPECT_EQ(r.outcome, Outcome::sent) << r.reason;
}

TEST(SmtpTls, AuthLoginAndHealthRecoversWhenTheRelayAcceptsAgain) {
    TempDir dir;
    Peer peer({"/usr/bin/python3", tools_dir() + "/scripted_smtp.py", "--log", dir.path(), "--auth", "u:p",
               "--auth-mechs", "LOGIN", "--auth-fail-first", "1"},
              "READY ");
    auto options = test_options("smtp://u:p@127.0.0.1:" + std::to_string(peer.port()) + "?tls=none", 1);
    mail::SmtpTransport transport(options);
    expect_relay_problem(transport.send(batch_of(3)), "the relay rejected our credentials");
    EXPECT_EQ(transport.health(), "the relay rejected our credentials");
    // Sends during the pause are deferred without a connection (so without a login); the first one
    // after it logs in again and goes out.
    std::vector<mail::DeliveryResult> after;
    EXPECT_TRUE(wait_until(
        [&] {
            after = transport.send(batch_of(3));
            return !after[0].relay_problem;
        },
        options.relay_problem_pause + 10s, 100ms));
    for (const auto& r : after) EXPECT_EQ(r.outcome, Outcome::sent) << r.reason;
    EXPECT_EQ(transport.health(), "");
    int logins = 0;
    for (const auto& ev : read_jsonl(dir.file("events.jsonl"))) logins += ev["event"] == "auth";
    EXPECT_EQ(logins, 2);
}

}  // namespace
}  // namespace dh::test::smtp
