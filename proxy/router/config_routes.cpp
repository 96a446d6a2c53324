// Versions and version details on both faces (MAPPING §2.2). What is published comes from the
// pipeline's publication rules (proxy/pipeline/endpoints): the modules the configured legacy roles
// serve, from the start. Peers read these details when they register and seldom again (Gireve:
// only at registration), so they cannot wait for the other side's discovery; a call that reaches
// a module the other side does not offer gets an OCPI error naming it (module_not_offered()).
#include "proxy/router/routes.hpp"

namespace ocpi::proxy {

namespace {

party_role legacy_role_of_face(std::string_view face_role) {
  // The face under /ocpi/emsp is shown to legacy CPOs, /ocpi/cpo to legacy eMSPs (§1.1).
  return face_role == "emsp" ? party_role::cpo : party_role::emsp;
}

}  // namespace

route_result versions_221(runtime& rt, exchange& ex) {
  ex.route = "versions 2.2.1";
  co_return envelope_response(ex, 200, status::success, "Success",
                              versions_data_json(version::v2_2_1, details_url(rt.hub_base, version::v2_2_1)));
}

route_result details_221(runtime& rt, exchange& ex) {
  ex.route = "version details 2.2.1";
  std::vector<legacy_modules> legacy;
  for (const auto& l : rt.cfg.legacy) legacy.push_back({.role = l.party.role, .modules = l.modules});
  const auto eps = published_221_endpoints(rt.hub_base, legacy);
  co_return envelope_response(ex, 200, status::success, "Success", details_data_json(version::v2_2_1, eps));
}

route_result versions_211(runtime& rt, exchange& ex, std::string_view face_role) {
  ex.route = "versions 2.1.1";
  const auto role = legacy_role_of_face(face_role);
  co_return envelope_response(ex, 200, status::success, "Success",
                              versions_data_json(version::v2_1_1, details_url(rt.legacy_base, version::v2_1_1, role)));
}

route_result details_211(runtime& rt, exchange& ex, std::string_view face_role) {
  ex.route = "version details 2.1.1";
  const auto eps = published_211_endpoints(rt.legacy_base, legacy_role_of_face(face_role));
  co_return envelope_response(ex, 200, status::success, "Success", details_data_json(version::v2_1_1, eps));
}

}  // namespace ocpi::proxy
