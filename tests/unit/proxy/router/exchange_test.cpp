// The exchange's envelope and log note (issue 13): one error shape on both faces, and a peer
// quirk that fired named in the exchange log line.
#include "proxy/router/exchange.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "ocpi/mapping.hpp"

using namespace ocpi;
using namespace ocpi::proxy;

TEST_CASE("envelope: an error carries no data, on either face; an acknowledgement keeps what it is given") {
  inbound in;
  in.req = request{http::verb::get, "/ocpi/cpo/2.1.1/sessions", 11};
  exchange ex(in);
  const auto error = nlohmann::json::parse(envelope_response(ex, 200, 2001, "date_from is required", "{}").body());
  CHECK_FALSE(error.contains("data"));
  CHECK(error["status_code"] == 2001);
  CHECK(ex.ocpi_status == 2001);
  const auto ack = nlohmann::json::parse(envelope_response(ex, 200, 1000, "Success", "{}").body());
  CHECK(ack["data"] == nlohmann::json::object());  // 2.1.1 acknowledgements (MAPPING 1.6.1)
}

TEST_CASE("note_quirks: the [iop] PATCH quirk is named in the log note when it let a PATCH through") {
  inbound in;
  exchange ex(in);
  translation quiet;
  quiet.losses.push_back({"facilities", loss_kind::dropped, "null in a 2.2.1 PATCH"});
  note_quirks(ex, quiet);
  CHECK(ex.note.empty());
  translation fired;
  fired.losses.push_back({"last_updated", loss_kind::warning,
                          "PATCH without last_updated accepted from this peer (iop.accept_patch_without_last_updated, 1.8.4)"});
  note_quirks(ex, fired);
  CHECK(ex.note.find("quirk accept_patch_without_last_updated") == 0);
}
