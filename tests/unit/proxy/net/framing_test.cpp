// RFC 9112 §6 request framing, table-driven against a real listener on 127.0.0.1: every case
// sends its bytes followed by a pipelined `GET /next`, then checks the status of the first answer
// and exactly which requests reached the handler. A refused request must close the connection
// with the pipelined bytes unread: a request hidden in a body the bridge could not frame exactly
// never reaches the router (request smuggling, issue 12 defect 4).
#include "proxy/net/framing.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "net_test_support.hpp"
#include "proxy/net/listener.hpp"

using namespace net_test;
using namespace ocpi::proxy;

namespace {

constexpr std::string_view next_request = "GET /next HTTP/1.1\r\nHost: x\r\n\r\n";

struct framing_case {
  const char* name;
  std::string bytes;              // one request; `next_request` is appended
  unsigned status;                // of the first answer
  std::vector<std::string> seen;  // "METHOD target body [X-Probe]" per request the handler got
};

// What the handler records of each request: method, target, body and the X-Probe field (to see
// folded values and trailer fields).
struct recording_server {
  asio::io_context ioc;
  std::vector<std::string> seen;
  std::unique_ptr<listener> server;

  explicit recording_server(listener_options options = {}) {
    server = std::make_unique<listener>(ioc, options, [this](inbound& in) -> asio::awaitable<response> {
      std::string line = std::string(in.req.method_string()) + " " + std::string(in.req.target()) + " " + in.req.body();
      if (auto it = in.req.find("X-Probe"); it != in.req.end()) line += " [" + std::string(it->value()) + "]";
      seen.push_back(line);
      response res{http::status::ok, 11};
      res.body() = "{}";
      co_return res;
    });
    REQUIRE_FALSE(server->open());
    server->start();
  }
};

std::string post(std::string_view fields, std::string_view body, std::string_view version = "HTTP/1.1") {
  return "POST /a " + std::string(version) + "\r\nHost: x\r\n" + std::string(fields) + "\r\n" + std::string(body);
}

const std::string smuggled = std::string(next_request);  // bytes a broken framing would read as a request

std::vector<framing_case> cases() {
  const std::vector<std::string> both = {"POST /a hello", "GET /next "};
  const std::vector<std::string> none;
  return {
      // -- accepted: the body is exactly what the framing says, the next request follows it ------
      {"Content-Length", post("Content-Length: 5\r\n", "hello"), 200, both},
      {"Content-Length: 0", post("Content-Length: 0\r\n", ""), 200, {"POST /a ", "GET /next "}},
      {"no body fields: no body", post("", ""), 200, {"POST /a ", "GET /next "}},
      {"chunked", post("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), 200, both},
      {"chunked, any case", post("Transfer-Encoding: ChUnKeD\r\n", "5\r\nhello\r\n0\r\n\r\n"), 200, both},
      {"chunked in two chunks", post("Transfer-Encoding: chunked\r\n", "2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n"), 200, both},
      {"chunk size in upper-case hex with leading zeros",
       post("Transfer-Encoding: chunked\r\n", "0000A\r\nhellohello\r\n0\r\n\r\n"),
       200,
       {"POST /a hellohello", "GET /next "}},
      {"chunk extensions are ignored (§7.1.1)",
       post("Transfer-Encoding: chunked\r\n", "5;name=value;quoted=\"a b\";flag\r\nhello\r\n0;last\r\n\r\n"), 200,
       both},
      {"trailer fields are not merged into the header section (RFC 9110 §6.5.1)",
       post("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\nX-Probe: from-trailer\r\n\r\n"), 200, both},
      {"obs-fold is replaced by a space (§5.2)",
       post("X-Probe: a\r\n b\r\nContent-Length: 5\r\n", "hello"),
       200,
       {"POST /a hello [a b]", "GET /next "}},
      {"obs-fold cannot smuggle a Transfer-Encoding",
       post("X-Probe: a\r\n Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "hello"),
       200,
       {"POST /a hello [a Transfer-Encoding: chunked]", "GET /next "}},

      // -- Transfer-Encoding whose final coding is not chunked (§6.3 item 4): 400 + close -------
      {"TE identity", post("Transfer-Encoding: identity\r\n", smuggled), 400, none},
      {"TE gzip", post("Transfer-Encoding: gzip\r\n", smuggled), 400, none},
      {"TE chunked, identity", post("Transfer-Encoding: chunked, identity\r\n", smuggled), 400, none},
      {"TE chunked, gzip over two fields", post("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n", smuggled),
       400, none},
      {"TE empty", post("Transfer-Encoding: \r\n", smuggled), 400, none},
      {"TE chunked with a parameter", post("Transfer-Encoding: chunked;q=1\r\n", "5\r\nhello\r\n0\r\n\r\n"), 400, none},
      {"TE chunked twice (§6.1)", post("Transfer-Encoding: chunked, chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), 400,
       none},
      {"TE chunked twice over two fields",
       post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), 400, none},
      // -- a coding the bridge does not decode (§6.1): 501 + close --------------------------------
      {"TE gzip, chunked", post("Transfer-Encoding: gzip, chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), 501, none},
      {"TE gzip then chunked in two fields",
       post("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), 501, none},
      // -- Transfer-Encoding with Content-Length, and HTTP/1.0 (§6.1, §6.3 item 3) ----------------
      {"CL then TE chunked", post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400, none},
      {"TE chunked then CL", post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"), 400, none},
      {"TE gzip then CL", post("Transfer-Encoding: gzip\r\nContent-Length: 5\r\n", "hello"), 400, none},
      {"TE in HTTP/1.0", post("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n", "HTTP/1.0"), 400, none},
      // -- Content-Length (§6.3 item 5) ---------------------------------------------------------
      {"CL repeated, same value", post("Content-Length: 5\r\nContent-Length: 5\r\n", "hello"), 400, none},
      {"CL list of equal values", post("Content-Length: 5, 5\r\n", "hello"), 400, none},
      {"CL conflicting", post("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!"), 400, none},
      {"CL negative", post("Content-Length: -5\r\n", "hello"), 400, none},
      {"CL with a sign", post("Content-Length: +5\r\n", "hello"), 400, none},
      {"CL in hex", post("Content-Length: 0x5\r\n", "hello"), 400, none},
      {"CL with inner space", post("Content-Length: 5 5\r\n", "hello"), 400, none},
      {"CL overflowing 64 bits", post("Content-Length: 99999999999999999999999\r\n", "hello"), 400, none},
      {"CL over the body limit", post("Content-Length: 1000000000\r\n", "hello"), 413, none},
      // -- chunk syntax (§7.1) ------------------------------------------------------------------
      {"chunk size not hex", post("Transfer-Encoding: chunked\r\n", "zz\r\nhello\r\n0\r\n\r\n"), 400, none},
      {"chunk size overflowing 64 bits",
       post("Transfer-Encoding: chunked\r\n", "fffffffffffffffffffff\r\nhello\r\n0\r\n\r\n"), 400, none},
      {"chunk size negative", post("Transfer-Encoding: chunked\r\n", "-5\r\nhello\r\n0\r\n\r\n"), 400, none},
      {"chunk data longer than its size", post("Transfer-Encoding: chunked\r\n", "3\r\nhello\r\n0\r\n\r\n"), 400, none},
      {"chunk extension without a name", post("Transfer-Encoding: chunked\r\n", "5;=x\r\nhello\r\n0\r\n\r\n"), 400,
       none},
      {"chunk line ending in a bare LF", post("Transfer-Encoding: chunked\r\n", "5\nhello\r\n0\r\n\r\n"), 400, none},
      {"chunked body over the limit", post("Transfer-Encoding: chunked\r\n", "100000\r\n" + std::string(4096, 'x')),
       413, none},
      // -- field syntax (§5) and line endings (§2.2) --------------------------------------------
      {"bare LF line endings", "POST /a HTTP/1.1\nHost: x\nContent-Length: 5\n\nhello", 400, none},
      {"bare CR inside a field value", post("X-Probe: a\rb\r\nContent-Length: 5\r\n", "hello"), 400, none},
      {"bare LF inside a field value", post("X-Probe: a\nb\r\nContent-Length: 5\r\n", "hello"), 400, none},
      {"NUL in a field value", post(std::string("X-Probe: a\0b\r\nContent-Length: 5\r\n", 33), "hello"), 400, none},
      {"space before the colon (§5.1)", post("Content-Length : 5\r\n", "hello"), 400, none},
      {"whitespace before the first field line (§2.2)",
       "POST /a HTTP/1.1\r\n Content-Length: 5\r\nHost: x\r\n\r\nhello", 400, none},
      {"no Host in HTTP/1.1 (§3.2)", "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 400, none},
      {"two Host fields (§3.2)", post("Host: y\r\nContent-Length: 5\r\n", "hello"), 400, none},
  };
}

std::string joined(const std::vector<std::string>& seen) {
  std::string out;
  for (const auto& line : seen) out += "<" + line + ">";
  return out;
}

asio::awaitable<response> read_answer(beast::tcp_stream& stream, beast::flat_buffer& buffer) {
  co_return co_await read_response(stream, buffer);
}

}  // namespace

TEST_CASE("RFC 9112 §6 request framing: conformance table") {
  listener_options options;
  options.body_limit = 64 * 1024;
  for (const auto& c : cases()) {
    const std::string name = c.name;
    CAPTURE(name);
    recording_server s(options);
    unsigned status = 0;
    bool keep_alive = true;
    int ocpi_status = 0;
    error_code close_ec;
    unsigned second_status = 0;
    run_test(s.ioc, [&]() -> asio::awaitable<void> {
      auto stream = co_await connect_to(s.server->port());
      beast::flat_buffer buffer;
      CHECK_FALSE(co_await write_raw(stream, c.bytes + std::string(next_request)));
      auto first = co_await read_answer(stream, buffer);
      status = first.result_int();
      keep_alive = first.keep_alive();
      if (status >= 400) {
        ocpi_status = nlohmann::json::parse(first.body()).value("status_code", 0);
        auto [ec, n] = co_await read_until_closed(stream);
        close_ec = ec;
      } else {
        try {  // a missing second answer is this row's failure, not the end of the table
          second_status = (co_await read_answer(stream, buffer)).result_int();
        } catch (const std::exception&) {
        }
      }
    });
    CHECK(status == c.status);
    CHECK(joined(s.seen) == joined(c.seen));
    if (c.status >= 400) {
      CHECK_FALSE(keep_alive);              // Connection: close announced
      CHECK(ocpi_status == 2000);           // with an OCPI envelope
      CHECK(close_ec == asio::error::eof);  // and the connection closed, the pipelined request unread
    } else {
      CHECK(second_status == 200);  // the pipelined request right after the body was served
    }
  }
}

TEST_CASE("RFC 9112 §7.1.1: an endless chunk extension is refused, not buffered") {
  recording_server s;
  unsigned status = 0;
  run_test(s.ioc, [&]() -> asio::awaitable<void> {
    auto stream = co_await connect_to(s.server->port());
    beast::flat_buffer buffer;
    std::string ext;
    while (ext.size() < 1024 * 1024) ext += ";a=b";
    CHECK_FALSE(co_await write_raw(stream, post("Transfer-Encoding: chunked\r\n", "5" + ext)));
    status = (co_await read_answer(stream, buffer)).result_int();
  });
  CHECK(status == 400);
  CHECK(s.seen.empty());
}

TEST_CASE("check_request_framing: Transfer-Encoding lists across fields") {
  http::fields h;
  h.insert(http::field::host, "x");
  h.insert(http::field::transfer_encoding, "gzip");
  h.insert("X-Other", "between");
  h.insert(http::field::transfer_encoding, "chunked");
  CHECK(check_request_framing(h, 11, true) == framing_error::te_unsupported_coding);
  CHECK(framing_status(make_error_code(framing_error::te_unsupported_coding)) == http::status::not_implemented);
  http::fields plain;
  plain.insert(http::field::host, "x");
  plain.insert(http::field::transfer_encoding, "chunked");
  CHECK_FALSE(check_request_framing(plain, 11, true));
  // What this check accepts must be what Beast frames the body by.
  CHECK(check_request_framing(plain, 11, false) == framing_error::te_not_chunked_last);
  CHECK(make_error_code(framing_error::te_not_chunked_last).message() ==
        "Transfer-Encoding of a request must end with chunked");
}
