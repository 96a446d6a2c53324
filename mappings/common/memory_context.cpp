#include "ocpi/memory_context.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "common/ids.hpp"
#include "common/text.hpp"

namespace ocpi {

using nlohmann::json;
using mappings::iequals;

namespace {
std::string fold(std::string_view s) {
  std::string r(s);
  for (auto& c : r)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return r;
}
std::string str(const json& j, const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : ""; }
party owner_of(const json& j) { return {str(j, "country_code"), str(j, "party_id")}; }
// Cached objects arrive from request bodies: never throw on them (a throw here answered IOP
// HTTP 500, issue 12 defect 6). Text that is not one JSON object is not cached.
json parse_object(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return j.is_object() ? j : json();
}
template <class Map>  // a copy of the entry under `k`, if any
std::optional<typename Map::mapped_type> lookup(const Map& m, const std::string& k) {
  if (auto it = m.find(k); it != m.end()) return it->second;
  return std::nullopt;
}
}  // namespace

memory_context::memory_context(mapping_options opts, std::string now) : opts_(std::move(opts)), now_(std::move(now)) {}

std::string memory_context::key(const party& p, std::string_view id) {
  return fold(p.country_code) + "|" + fold(p.party_id) + "|" + fold(id);
}

std::optional<std::string> memory_context::location(const party& owner, std::string_view id) const {
  return lookup(locations_, key(owner, id));
}
std::optional<std::string> memory_context::session(const party& owner, std::string_view id) const {
  return lookup(sessions_, key(owner, id));
}
std::optional<std::string> memory_context::tariff(const party& owner, std::string_view id) const {
  return lookup(tariffs_, key(owner, id));
}
std::optional<std::string> memory_context::token(const party& owner, std::string_view uid, std::string_view type) const {
  return lookup(tokens_, key(owner, std::string(uid) + "|" + std::string(type.empty() ? "RFID" : type)));
}
std::vector<std::string> memory_context::tokens_by_contract_id(std::string_view contract_id) const {
  std::vector<std::string> hits;
  for (const auto& [k, text] : tokens_) {
    const auto j = parse_object(text);
    if (iequals(str(j, "contract_id"), contract_id)) hits.push_back(text);
  }
  return hits;
}
std::optional<authorization_record> memory_context::authorization(const party& cpo, std::string_view reference) const {
  return lookup(authorizations_, key(cpo, reference));
}

std::string memory_context::expose_location_id(const object_key& k, std::string_view gireve_id) {
  const std::string owner_key = key(k.owner, k.id);
  if (auto it = exposed_by_owner_.find(owner_key); it != exposed_by_owner_.end()) return it->second;
  std::string exposed;
  if (opts_.emsp_location_id_mode == "OWNER_ID") {
    exposed = k.id;
  } else if (!gireve_id.empty() && gireve_id.size() <= 39) {
    exposed = std::string(gireve_id);
  } else if (auto clash = exposed_locations_.find(fold(k.id)); clash == exposed_locations_.end()) {
    exposed = k.id;  // no other owner uses this id
  } else {
    exposed = mappings::surrogate_location_id(k.owner.country_code, k.owner.party_id, k.id);
  }
  restore_exposed_location(k, exposed);
  if (listener_) listener_->location_id_exposed(k, exposed);
  return exposed;
}

std::optional<object_key> memory_context::location_by_exposed_id(std::string_view exposed) const {
  return lookup(exposed_locations_, fold(exposed));
}

std::string memory_context::expose_cdr_id(const object_key& k) {
  std::string exposed = opts_.emsp_cdr_id_mode == "OWNER_ID"
                            ? k.id
                            : mappings::prefixed_cdr_id(k.owner.country_code, k.owner.party_id, k.id);
  // Remembered for the reverse lookup; the listener hears only of new or re-pointed entries, so
  // re-exposing a known CDR costs no store write.
  const auto it = exposed_cdrs_.find(fold(exposed));
  if (it == exposed_cdrs_.end() || key(it->second.owner, it->second.id) != key(k.owner, k.id)) {
    restore_exposed_cdr(k, exposed);
    if (listener_) listener_->cdr_id_exposed(k, exposed);
  }
  return exposed;
}

std::optional<object_key> memory_context::cdr_by_exposed_id(std::string_view exposed) const {
  return lookup(exposed_cdrs_, fold(exposed));
}

std::string memory_context::hash_long_id(std::string_view original) {
  std::string h = mappings::hashed_id(original);
  const auto it = hashes_.find(fold(h));
  if (it == hashes_.end() || it->second != original) {
    restore_long_id(h, std::string(original));
    if (listener_) listener_->long_id_hashed(h, std::string(original));
  }
  return h;
}

void memory_context::restore_exposed_location(const object_key& k, const std::string& exposed) {
  exposed_by_owner_[key(k.owner, k.id)] = exposed;
  exposed_locations_[fold(exposed)] = k;
}

void memory_context::restore_exposed_cdr(const object_key& k, const std::string& exposed) {
  exposed_cdrs_[fold(exposed)] = k;
}

void memory_context::restore_long_id(const std::string& hashed, const std::string& original) {
  hashes_[fold(hashed)] = original;
}

std::optional<std::string> memory_context::original_of_hash(std::string_view hashed) const {
  return lookup(hashes_, fold(hashed));
}

void memory_context::put_location(const std::string& text) {
  const auto j = parse_object(text);
  if (j.is_null()) return;
  put_cached(locations_, context_listener::cache::location, key(owner_of(j), str(j, "id")), text);
}
void memory_context::put_session(const std::string& text) {
  const auto j = parse_object(text);
  if (j.is_null()) return;
  put_cached(sessions_, context_listener::cache::session, key(owner_of(j), str(j, "id")), text);
}
void memory_context::put_tariff(const std::string& text) {
  const auto j = parse_object(text);
  if (j.is_null()) return;
  put_cached(tariffs_, context_listener::cache::tariff, key(owner_of(j), str(j, "id")), text);
}
void memory_context::put_token(const std::string& text) {
  const auto j = parse_object(text);
  if (j.is_null()) return;
  const std::string type = str(j, "type");
  put_cached(tokens_, context_listener::cache::token, key(owner_of(j), str(j, "uid") + "|" + (type.empty() ? "RFID" : type)),
             text);
}
void memory_context::put_cached(std::map<std::string, std::string>& cache, context_listener::cache which, std::string k,
                                const std::string& text) {
  if (listener_) listener_->cached(which, k, text);
  cache[std::move(k)] = text;
}
void memory_context::put_authorization(const party& cpo, const std::string& reference, authorization_record rec) {
  std::string k = key(cpo, reference);
  if (listener_) listener_->authorization_put(k, cpo, reference, rec);
  authorizations_[std::move(k)] = std::move(rec);
}

void memory_context::load(const std::string& text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("context: not valid JSON: ") + e.what());
  }
  if (!j.is_object()) throw std::runtime_error("context: expected a JSON object");
  auto each = [&](const char* name, auto&& put) {
    if (!j.contains(name)) return;
    if (!j[name].is_array()) throw std::runtime_error(std::string("context.") + name + ": expected an array");
    for (std::size_t i = 0; i < j[name].size(); ++i) {
      const auto& o = j[name][i];
      if (!o.is_object())
        throw std::runtime_error(std::string("context.") + name + "[" + std::to_string(i) + "]: expected an object");
      put(o);
    }
  };
  each("locations", [&](const json& o) { put_location(o.dump()); });
  each("sessions", [&](const json& o) { put_session(o.dump()); });
  each("tariffs", [&](const json& o) { put_tariff(o.dump()); });
  each("tokens", [&](const json& o) { put_token(o.dump()); });
  each("authorizations", [&](const json& o) {
    const std::string cpo = str(o, "cpo");
    const auto star = cpo.find('*');
    if (star == std::string::npos) throw std::runtime_error("context.authorizations[].cpo: expected CC*PID");
    authorization_record rec;
    rec.token_json = o.contains("token") ? o["token"].dump() : "";
    rec.location_id = str(o, "location_id");
    if (o.contains("evse_uids"))
      for (const auto& e : o["evse_uids"]) rec.evse_uids.push_back(e.get<std::string>());
    rec.connector_id = str(o, "connector_id");
    rec.source = o.contains("source") ? str(o, "source") : "AUTHORIZE";
    put_authorization({cpo.substr(0, star), cpo.substr(star + 1)}, str(o, "reference"), std::move(rec));
  });
  each("exposed_location_ids", [&](const json& o) {
    object_key k{{str(o, "country_code"), str(o, "party_id")}, str(o, "id")};
    restore_exposed_location(k, str(o, "exposed"));
  });
}

}  // namespace ocpi
