// (object, direction) -> mapping: the first file a newcomer reads. Each entry lives in the
// module folder named after the OCPI module that owns the object; NOTES.md there lists the
// defaults injected, the fields dropped and the MAPPING sections implemented.
#include <array>

#include "cdrs/entries.hpp"
#include "commands/entries.hpp"
#include "credentials/entries.hpp"
#include "locations/entries.hpp"
#include "sessions/entries.hpp"
#include "tariffs/entries.hpp"
#include "tokens/entries.hpp"
#include "engine/registry.hpp"

namespace ocpi::mappings {

namespace {

struct row {
  object_kind kind;
  std::string_view name;
  entry_fn up;
  entry_fn down;
};

// Ordered as object_kind is declared.
constexpr std::array<row, 18> table{{
    {object_kind::location, "location", locations::location_up, locations::location_down},
    {object_kind::evse, "evse", locations::evse_up, locations::evse_down},
    {object_kind::connector, "connector", locations::connector_up, locations::connector_down},
    {object_kind::token, "token", tokens::token_up, tokens::token_down},
    {object_kind::authorization_info, "authorization_info", tokens::authorization_info_up, tokens::authorization_info_down},
    {object_kind::location_references, "location_references", tokens::location_references_up, tokens::location_references_down},
    {object_kind::start_session, "start_session", commands::start_session_up, commands::start_session_down},
    {object_kind::stop_session, "stop_session", commands::stop_session_up, commands::stop_session_down},
    {object_kind::reserve_now, "reserve_now", commands::reserve_now_up, commands::reserve_now_down},
    {object_kind::cancel_reservation, "cancel_reservation", commands::cancel_reservation_up, commands::cancel_reservation_down},
    {object_kind::unlock_connector, "unlock_connector", commands::unlock_connector_up, commands::unlock_connector_down},
    {object_kind::command_response, "command_response", commands::command_response_up, commands::command_response_down},
    {object_kind::command_result, "command_result", commands::command_result_up, commands::command_result_down},
    {object_kind::session, "session", sessions::session_up, sessions::session_down},
    {object_kind::cdr, "cdr", cdrs::cdr_up, cdrs::cdr_down},
    {object_kind::tariff, "tariff", tariffs::tariff_up, tariffs::tariff_down},
    {object_kind::credentials, "credentials", credentials::credentials_up, credentials::credentials_down},
    {object_kind::version_details, "version_details", credentials::version_details_up, credentials::version_details_down},
}};

}  // namespace

entry_fn find_entry(object_kind kind, direction dir) noexcept {
  const auto& r = table[static_cast<std::size_t>(kind)];
  return dir == direction::up ? r.up : r.down;
}

}  // namespace ocpi::mappings

namespace ocpi {

std::optional<object_kind> parse_object_kind(std::string_view name) {
  for (const auto& r : mappings::table)
    if (r.name == name) return r.kind;
  return std::nullopt;
}

std::string_view to_string(object_kind k) { return mappings::table[static_cast<std::size_t>(k)].name; }

std::string_view to_string(loss_kind k) {
  switch (k) {
    case loss_kind::dropped: return "dropped";
    case loss_kind::defaulted: return "defaulted";
    case loss_kind::truncated: return "truncated";
    case loss_kind::derived: return "derived";
    case loss_kind::warning: return "warning";
  }
  return "?";
}

}  // namespace ocpi
