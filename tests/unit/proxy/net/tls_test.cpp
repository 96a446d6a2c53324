// TLS end to end on loopback: a listener serving a certificate generated at test time, the
// upstream pool verifying it (trust anchor + host name), and failing on a name mismatch.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "net_test_support.hpp"
#include "support/temp_dir.hpp"
#include "proxy/net/listener.hpp"
#include "proxy/net/tls.hpp"
#include "proxy/net/upstream.hpp"

using namespace net_test;
using namespace ocpi::proxy;

namespace {

using ocpi::test::temp_dir;

// Self-signed certificate (its own trust anchor) for the given subjectAltName.
face_config make_cert(const temp_dir& dir, const std::string& name, const std::string& san) {
  face_config f;
  f.tls = true;
  f.cert_file = (dir.path / (name + ".crt")).string();
  f.key_file = (dir.path / (name + ".key")).string();
  const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=" +
                          name + " -addext subjectAltName=" + san + " -keyout " + f.key_file + " -out " + f.cert_file +
                          " >/dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return f;
}

struct tls_echo {
  asio::io_context& ioc;
  listener server;
  tls_echo(asio::io_context& c, const face_config& f)
      : ioc(c), server(c, options(f), [](inbound& in) -> asio::awaitable<response> {
          response res{http::status::ok, 11};
          res.body() = in.tls ? "{\"tls\":true}" : "{\"tls\":false}";
          co_return res;
        }) {
    REQUIRE_FALSE(server.open());
    server.start();
  }
  static listener_options options(const face_config& f) {
    listener_options o;
    o.tls = make_server_tls(f, "face.hub");
    o.client_timeout = std::chrono::seconds(5);
    return o;
  }
  url at(const std::string& host) const { return *parse_url("https://" + host + ":" + std::to_string(server.port()) + "/ocpi/versions"); }
};

}  // namespace

TEST_CASE("tls: upstream pool verifies the listener's certificate and host name") {
  temp_dir dir;
  const auto good = make_cert(dir, "bridge", "IP:127.0.0.1,DNS:localhost");
  const auto other = make_cert(dir, "other", "DNS:other.example");
  asio::io_context ioc;
  tls_echo good_server(ioc, good);
  tls_echo other_server(ioc, other);
  upstream_pool pool(ioc.get_executor(), upstream_options{});
  const auto trust_good = make_client_tls(tls_client_files{good.cert_file}, "test");
  const auto trust_other = make_client_tls(tls_client_files{other.cert_file}, "test");
  run_test(ioc, [&]() -> asio::awaitable<void> {
    auto ok = co_await pool.send(good_server.at("127.0.0.1"), request{http::verb::get, "/", 11}, std::chrono::seconds(5), trust_good);
    REQUIRE_MESSAGE(ok.ok(), ok.detail);
    CHECK(ok.res.body() == "{\"tls\":true}");

    // Trusted certificate, but issued for another name than the one we connect to.
    auto wrong_name = co_await pool.send(other_server.at("127.0.0.1"), request{http::verb::get, "/", 11},
                                         std::chrono::seconds(5), trust_other);
    CHECK(wrong_name.fail == upstream_result::failure::tls);

    // Right name, unknown issuer (system trust store only).
    auto untrusted = co_await pool.send(good_server.at("127.0.0.1"), request{http::verb::get, "/", 11}, std::chrono::seconds(5));
    CHECK(untrusted.fail == upstream_result::failure::tls);

    // verify_peer = false accepts anything (explicitly configured).
    tls_client_files lax;
    lax.verify_peer = false;
    auto unverified = co_await pool.send(other_server.at("127.0.0.1"), request{http::verb::get, "/", 11},
                                         std::chrono::seconds(5), make_client_tls(lax, "test"));
    CHECK(unverified.ok());
  });
}

TEST_CASE("tls: bad certificate files are config errors naming the key") {
  face_config f;
  f.tls = true;
  f.cert_file = "/nonexistent/cert.pem";
  f.key_file = "/nonexistent/key.pem";
  CHECK_THROWS_WITH_AS(make_server_tls(f, "face.hub"), doctest::Contains("face.hub.cert_file"), std::runtime_error);
  CHECK_THROWS_WITH_AS(make_client_tls(tls_client_files{"/nonexistent/ca.pem"}, "iop"), doctest::Contains("iop.ca_file"),
                       std::runtime_error);
}
