#pragma once
// The mapping signature every module implements and the proxy, the CLI, the tests and the
// benchmarks call: one JSON text in, one JSON text out, plus the report of what could not cross.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpi/mapping_context.hpp"
#include "ocpi/status.hpp"
#include "ocpi/version.hpp"

namespace ocpi {

// The objects of MAPPING §2–§3, named as the `translate --object` flag names them.
enum class object_kind : std::uint8_t {
  location, evse, connector, token, authorization_info, location_references, start_session,
  stop_session, reserve_now, cancel_reservation, unlock_connector, command_response,
  command_result, session, cdr, tariff, credentials, version_details,
};
std::optional<object_kind> parse_object_kind(std::string_view name);
std::string_view to_string(object_kind k);

enum class input_shape : std::uint8_t {
  object,  // a full object (PUT, POST, GET object answer)
  patch,   // a PATCH body: nothing is mandatory but a 2.2.1 `last_updated`; null: see walk.cpp
  list,    // a page: an array of full objects; objects a rule drops are left out
};

// What a loss report entry says happened to a field.
enum class loss_kind : std::uint8_t { dropped, defaulted, truncated, derived, warning };
std::string_view to_string(loss_kind k);

struct loss {
  std::string path;  // JSON path in the input ("evses[0].capabilities[2]")
  loss_kind kind;
  std::string reason;  // names the MAPPING section
};

// Who the down-converted output is for: Gireve's "who is the CPO/eMSP" emulations (§4.2, §4.6,
// §4.7) apply toward a legacy eMSP receiving foreign data, never toward the owner itself.
enum class recipient : std::uint8_t { hub, legacy_cpo, legacy_emsp };

struct translate_request {
  object_kind kind = object_kind::location;
  direction dir = direction::up;
  input_shape shape = input_shape::object;
  // The legacy party this exchange belongs to (the ToIOP caller or the FromIOP addressee).
  const legacy_party* legacy = nullptr;
  // The owner of the object when the URL names it (pushes); otherwise it is read from the
  // 2.2.1 object (down) or is the legacy party (up).
  std::optional<party> owner;
  recipient to = recipient::hub;
  // The party that sent a FromIOP request (OCPI-from), for LocationReferences owner lookups.
  std::optional<party> from;
  // Command objects: the command type from the URL (START_SESSION, ...), for command_response.
  std::string command;
  // AuthorizationInfo up (T4): the Token uid and type (`?type=`, empty = RFID) from the authorize
  // URL, to find or synthesise the 2.2.1 `token` a 2.1.1 answer lacks (MAPPING 3.2.3).
  std::string token_uid, token_type;
  // Peer quirk of the 2.2.1 sender (`[iop] accept_patch_without_last_updated`): a 2.2.1 PATCH
  // without its mandatory `last_updated` is translated with a warning instead of refused (2001).
  bool accept_patch_without_last_updated = false;
};

// The losses of one translation. A page of Locations reports hundreds (every 2.2.1-only
// capability, every max_electric_power) and the proxy only counts them: while the walk records
// them, each costs an entry and some bytes in one shared text buffer, and the `loss` objects with
// their own strings are built only when someone reads them (iteration, operator[]).
class loss_report {
 public:
  std::size_t size() const noexcept { return entries_.size(); }
  bool empty() const noexcept { return entries_.empty(); }
  std::vector<loss>::const_iterator begin() const { return materialized().begin(); }
  std::vector<loss>::const_iterator end() const { return materialized().end(); }
  const loss& operator[](std::size_t i) const { return materialized()[i]; }
  const loss& front() const { return materialized().front(); }
  const loss& back() const { return materialized().back(); }

  void push_back(const loss& l);
  // Records a loss whose path was appended to text() from `path_begin` on and whose reason
  // follows it up to the end of text().
  std::string& text() noexcept { return text_; }
  void add(std::size_t path_begin, std::size_t reason_begin, loss_kind k);

 private:
  struct entry {
    std::size_t path_begin, reason_begin, reason_end;
    loss_kind kind;
  };
  const std::vector<loss>& materialized() const;

  std::string text_;
  std::vector<entry> entries_;
  mutable std::vector<loss> built_;  // the first built_.size() entries, as `loss` objects
};

struct translation {
  std::string body;            // the translated JSON; empty when suppressed or on error
  bool suppressed = false;     // a rule decided the object must not be forwarded (publish=false...)
  std::size_t left_out = 0;    // input_shape::list: objects a rule dropped from the page
  loss_report losses;          // what was dropped, defaulted, truncated or derived
  std::optional<error> err;    // set when the input must be refused

  bool ok() const noexcept { return !err.has_value(); }
};

// Translates `json`. The input need not be padded: when `capacity` (the bytes the caller's buffer
// really owns from json.data()) leaves less than simdjson's padding, it is copied once into a
// thread-local padded buffer; pass the buffer's capacity to avoid that copy on the hot path.
translation translate(const translate_request& req, std::string_view json, mapping_context& ctx,
                      std::size_t capacity = 0);

}  // namespace ocpi
