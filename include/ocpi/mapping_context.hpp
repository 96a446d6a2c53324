#pragma once
// What a translation may know beyond its payload (STYLE: "the mapping stays pure"): the options,
// the clock, and lookups into the state the bridge keeps (MAPPING §5). Cached objects are handed
// over as 2.2.1 JSON text, the form the caches hold them in; a mapping that needs one parses it.
// The stores themselves live in proxy/state; `memory_context` is the in-memory implementation the
// tests and the `translate` CLI use.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpi/options.hpp"

namespace ocpi {

// One entry of the authorization map (MAPPING §4.1, §5.5).
struct authorization_record {
  std::string token_json;  // full 2.2.1 Token
  std::string location_id;
  std::vector<std::string> evse_uids;
  std::string connector_id;
  std::string source;  // AUTHORIZE | START_SESSION
};

// Owner key of a Location, as the exposed-id map stores it (MAPPING §4.6).
struct object_key {
  party owner;
  std::string id;
};

class mapping_context {
 public:
  virtual ~mapping_context() = default;

  virtual const mapping_options& options() const = 0;
  // "now" as RFC 3339 UTC with `Z` ("2024-06-01T12:00:00Z"); the fixture clock in tests.
  virtual std::string now() const = 0;

  // --- caches (MAPPING §5.3, §5.6); every key compared case-insensitively -------------------
  virtual std::optional<std::string> location(const party& owner, std::string_view id) const = 0;
  virtual std::optional<std::string> session(const party& owner, std::string_view id) const = 0;
  virtual std::optional<std::string> tariff(const party& owner, std::string_view id) const = 0;
  virtual std::optional<std::string> token(const party& owner, std::string_view uid,
                                           std::string_view type) const = 0;
  virtual std::vector<std::string> tokens_by_contract_id(std::string_view contract_id) const = 0;
  virtual std::optional<authorization_record> authorization(const party& cpo,
                                                            std::string_view reference) const = 0;

  // --- id maps (MAPPING §5.2); these may allocate and record a new mapping -----------------
  // Exposed Location id toward legacy eMSPs (§4.6), given the owner id and the gireve_id if any.
  virtual std::string expose_location_id(const object_key& key, std::string_view gireve_id) = 0;
  virtual std::optional<object_key> location_by_exposed_id(std::string_view exposed) const = 0;
  // Exposed CDR id toward legacy eMSPs (§3.5.8).
  virtual std::string expose_cdr_id(const object_key& key) = 0;
  // 36-character stand-in for an over-long identifier (§1.9, §4.1) and its reverse.
  virtual std::string hash_long_id(std::string_view original) = 0;
  virtual std::optional<std::string> original_of_hash(std::string_view hashed) const = 0;
};

}  // namespace ocpi
