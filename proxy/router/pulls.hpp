#pragma once
// List pulls of Sessions, CDRs and Tariffs across the bridge (MAPPING §1.7): IOP pulling a legacy
// CPO (S4, D3, F5) and a legacy eMSP pulling IOP (S8, D6, F7). Each object of a page is translated
// on its own: one that cannot cross is left out and named in the log (§1.7 rule 2: the page is
// shorter, offsets are not renumbered) instead of failing the whole page for every object.
#include <string>
#include <string_view>
#include <vector>

#include "ocpi/mapping.hpp"
#include "proxy/router/routes.hpp"

namespace ocpi::proxy {

// What a down-converted object embeds that the Location cache must hold first (§3.4.5, §3.5.4).
enum class embedded_location { none, session, cdr };

struct pull_spec {
  std::string_view route;   // the exchange log's route name ("S4 sessions GET list")
  std::string_view module;  // "sessions" | "cdrs" | "tariffs": the path segment and the directory identifier
  object_kind kind;
  bool date_from_required = false;  // Sessions lists (§1.7 rule 5)
  embedded_location location = embedded_location::none;
  // Optional rewrite of an IOP page (2.2.1 objects) before translation for a legacy eMSP (F7 variants).
  void (*prepare_page)(runtime& rt, const legacy_party& emsp, std::vector<std::string>& objects) = nullptr;
};

// §1.7 rule 2 for counts (issue 13): a page from which the bridge left `left_out` objects out
// (publish=false, another eMSP's Tariff, an object that cannot cross) announces the upstream's
// X-Total-Count minus them. The caller can still receive at most that many objects: exact when
// the other pages lose none, an upper bound otherwise, never a count of objects it can never get
// from this page. Offsets and Link are not renumbered (the next page starts where upstream's does).
void discount_left_out(response& res, std::size_t left_out);

// IOP -> legacy CPO: GET /ocpi/2.2.1/cpo/{module} relayed to the legacy CPO's 2.1.1 list, up-converted.
// `rest`: the path below the module; these interfaces have only the list.
route_result pull_from_legacy_cpo(runtime& rt, exchange& ex, const pull_spec& spec, const segments& rest);

// legacy eMSP -> IOP: GET /ocpi/cpo/2.1.1/{module} relayed to IOP's SENDER list, down-converted.
route_result pull_by_legacy_emsp(runtime& rt, exchange& ex, const legacy_config& emsp, const pull_spec& spec,
                                 const segments& rest);

}  // namespace ocpi::proxy
