// Versions and version details on both faces (MAPPING §2.2). The bridge publishes only the modules
// it actually bridges *and* that the other side offers: announcing an endpoint that cannot be
// served would make a peer send traffic into an error. Credentials handshakes come with the
// registration flows; until then tokens come from configuration.
#include "ocpi/json_writer.hpp"
#include "proxy/router/routes.hpp"

namespace ocpi::proxy {

namespace {

struct published {
  std::string_view identifier;
  std::string_view role;  // 2.2.1 InterfaceRole
  std::string url;
};

bool any_legacy(const runtime& rt, party_role role, std::string_view module) {
  for (std::size_t i = 0; i < rt.cfg.legacy.size(); ++i)
    if (rt.cfg.legacy[i].party.role == role && rt.dirs.legacy(i, module)) return true;
  return false;
}

std::string endpoints_json(std::string_view version, const std::vector<published>& eps, bool with_role) {
  std::string out;
  json_writer w(out);
  w.begin_object();
  w.field("version", version);
  w.key("endpoints");
  w.begin_array();
  for (const auto& e : eps) {
    w.begin_object();
    w.field("identifier", e.identifier);
    if (with_role) w.field("role", e.role);
    w.field("url", e.url);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

std::string versions_json(std::string_view version, const std::string& url) {
  std::string out;
  json_writer w(out);
  w.begin_array();
  w.begin_object();
  w.field("version", version);
  w.field("url", url);
  w.end_object();
  w.end_array();
  return out;
}

}  // namespace

route_result versions_221(runtime& rt, exchange& ex) {
  ex.route = "versions 2.2.1";
  co_return envelope_response(ex, 200, status::success, "Success", versions_json("2.2.1", rt.hub_base + "/ocpi/2.2.1"));
}

route_result details_221(runtime& rt, exchange& ex) {
  ex.route = "version details 2.2.1";
  const std::string base = rt.hub_base + "/ocpi/2.2.1";
  std::vector<published> eps{{"credentials", "SENDER", base + "/credentials"}};
  // Legacy CPOs: IOP pulls their Locations from us; we push to IOP's Locations receiver.
  if (any_legacy(rt, party_role::cpo, "locations") && rt.dirs.iop("locations", "RECEIVER"))
    eps.push_back({"locations", "SENDER", base + "/cpo/locations"});
  // Legacy eMSPs: IOP pushes Locations to us; their pulls go to IOP's Locations sender.
  if (any_legacy(rt, party_role::emsp, "locations") && rt.dirs.iop("locations", "SENDER"))
    eps.push_back({"locations", "RECEIVER", base + "/emsp/locations"});
  co_return envelope_response(ex, 200, status::success, "Success", endpoints_json("2.2.1", eps, true));
}

route_result versions_211(runtime& rt, exchange& ex, std::string_view face_role) {
  ex.route = "versions 2.1.1";
  const std::string url = rt.legacy_base + "/ocpi/" + std::string(face_role) + "/2.1.1";
  co_return envelope_response(ex, 200, status::success, "Success", versions_json("2.1.1", url));
}

route_result details_211(runtime& rt, exchange& ex, std::string_view face_role) {
  ex.route = "version details 2.1.1";
  const std::string base = rt.legacy_base + "/ocpi/" + std::string(face_role) + "/2.1.1";
  std::vector<published> eps{{"credentials", "", base + "/credentials"}};
  // Face for legacy CPOs (eMSP interfaces): their pushes go to IOP's receiver; for legacy eMSPs
  // (CPO interfaces) their pulls go to IOP's sender.
  const std::string_view iop_role = face_role == "emsp" ? "RECEIVER" : "SENDER";
  if (rt.dirs.iop("locations", iop_role)) eps.push_back({"locations", "", base + "/locations"});
  co_return envelope_response(ex, 200, status::success, "Success", endpoints_json("2.1.1", eps, false));
}

}  // namespace ocpi::proxy
