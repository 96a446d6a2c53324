#include "proxy/state/shared_state.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <utility>

#include "proxy/pipeline/envelope.hpp"
#include "proxy/state/state_store.hpp"
#include "proxy/state/store_writer.hpp"

namespace ocpi::proxy {

namespace {
std::string upper(std::string s) {
  for (auto& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return s;
}

std::string status_key(const party& owner, std::string_view location, std::string_view evse) {
  std::string k = owner.country_code + "|" + owner.party_id + "|" + std::string(location) + "|" + std::string(evse);
  for (auto& c : k)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);  // CiString keys (§0.2 r8)
  return k;
}
}  // namespace

shared_state::shared_state(mapping_options opts) : opts_(opts), inner_(std::move(opts)) {}

shared_state::~shared_state() { detach(); }

template <class Write>
void shared_state::record(Write&& w) {
  if (writer_) writer_->push(std::forward<Write>(w));
}

std::string shared_state::now() const {
  std::lock_guard lock(mutex_);
  return fixed_now_.empty() ? utc_now() : fixed_now_;
}

void shared_state::set_fixed_now(std::string now) {
  std::lock_guard lock(mutex_);
  fixed_now_ = std::move(now);
}

#define LOCKED(expr)              \
  std::lock_guard lock(mutex_); \
  return expr

std::optional<std::string> shared_state::location(const party& o, std::string_view id) const { LOCKED(inner_.location(o, id)); }
std::optional<std::string> shared_state::session(const party& o, std::string_view id) const { LOCKED(inner_.session(o, id)); }
std::optional<std::string> shared_state::tariff(const party& o, std::string_view id) const { LOCKED(inner_.tariff(o, id)); }
std::optional<std::string> shared_state::token(const party& o, std::string_view uid, std::string_view type) const {
  LOCKED(inner_.token(o, uid, type));
}
std::vector<std::string> shared_state::tokens_by_contract_id(std::string_view c) const { LOCKED(inner_.tokens_by_contract_id(c)); }
std::optional<authorization_record> shared_state::authorization(const party& cpo, std::string_view ref) const {
  LOCKED(inner_.authorization(cpo, ref));
}
std::string shared_state::expose_location_id(const object_key& k, std::string_view g) { LOCKED(inner_.expose_location_id(k, g)); }
std::optional<object_key> shared_state::location_by_exposed_id(std::string_view e) const { LOCKED(inner_.location_by_exposed_id(e)); }
std::string shared_state::expose_cdr_id(const object_key& k) { LOCKED(inner_.expose_cdr_id(k)); }
std::string shared_state::hash_long_id(std::string_view o) { LOCKED(inner_.hash_long_id(o)); }
std::optional<std::string> shared_state::original_of_hash(std::string_view h) const { LOCKED(inner_.original_of_hash(h)); }
void shared_state::put_location(const std::string& json_221) { LOCKED(inner_.put_location(json_221)); }
void shared_state::put_session(const std::string& json_221) { LOCKED(inner_.put_session(json_221)); }
void shared_state::put_tariff(const std::string& json_221) { LOCKED(inner_.put_tariff(json_221)); }
void shared_state::put_token(const std::string& json_221) {
  std::lock_guard lock(mutex_);
  index_token(json_221);
}

// Caller holds mutex_. Caches the Token (inner_ persists it through the listener) and indexes it
// by uid for the unitary GET.
void shared_state::index_token(const std::string& json_221) {
  simdjson::dom::parser p;
  simdjson::dom::object o;
  std::string_view uid, type = "RFID";
  if (p.parse(json_221).get(o) || o["uid"].get(uid)) return;  // not a Token: nothing to cache
  if (o["type"].get(type)) type = "RFID";  // absent: the OCPI default
  const std::string key = upper(std::string(uid) + "|" + std::string(type));
  inner_.put_token(json_221);
  tokens_by_uid_.insert_or_assign(key, json_221);
}

std::optional<std::string> shared_state::token_by_uid(std::string_view uid, std::string_view type) const {
  const std::string k = upper(std::string(uid) + "|" + std::string(type.empty() ? "RFID" : type));
  std::lock_guard lock(mutex_);
  if (auto it = tokens_by_uid_.find(k); it != tokens_by_uid_.end()) return it->second;
  return std::nullopt;
}
void shared_state::put_authorization(const party& cpo, const std::string& reference, authorization_record rec) {
  LOCKED(inner_.put_authorization(cpo, reference, std::move(rec)));
}

std::optional<std::string> shared_state::last_status(const party& o, std::string_view loc, std::string_view evse) const {
  std::lock_guard lock(mutex_);
  if (auto it = last_status_.find(status_key(o, loc, evse)); it != last_status_.end()) return it->second;
  return std::nullopt;
}

void shared_state::set_last_status(const party& o, std::string_view loc, std::string_view evse, std::string status) {
  std::lock_guard lock(mutex_);
  std::string key = status_key(o, loc, evse);
  record([key, status](state_store& s) { s.put_last_status(key, status); });
  last_status_[std::move(key)] = std::move(status);
}

std::optional<peer_credentials> shared_state::credentials(std::string_view connection) const {
  std::lock_guard lock(mutex_);
  if (auto it = credentials_.find(connection); it != credentials_.end()) return it->second;
  return std::nullopt;
}

void shared_state::set_credentials(std::string_view connection, peer_credentials creds) {
  std::lock_guard lock(mutex_);
  record([conn = std::string(connection), creds](state_store& s) { s.put_credentials(conn, creds); });
  credentials_.insert_or_assign(std::string(connection), std::move(creds));
}

void shared_state::erase_credentials(std::string_view connection) {
  std::lock_guard lock(mutex_);
  if (auto it = credentials_.find(connection); it != credentials_.end()) {
    credentials_.erase(it);
    record([conn = std::string(connection)](state_store& s) { s.erase_credentials(conn); });
  }
}

std::optional<std::string> shared_state::connection_of_token(std::string_view token) const {
  std::lock_guard lock(mutex_);
  for (const auto& [conn, c] : credentials_)
    if (!c.token_from_peer.empty() && c.token_from_peer == token) return conn;
  return std::nullopt;
}

void shared_state::add_registration_token(std::string_view connection, std::string token) {
  std::lock_guard lock(mutex_);
  record([token, conn = std::string(connection)](state_store& s) { s.put_registration_token(token, conn); });
  registration_tokens_.insert_or_assign(std::move(token), std::string(connection));
}

std::optional<std::string> shared_state::connection_of_registration_token(std::string_view token) const {
  std::lock_guard lock(mutex_);
  if (auto it = registration_tokens_.find(token); it != registration_tokens_.end()) return it->second;
  return std::nullopt;
}

std::vector<std::string> shared_state::registration_tokens(std::string_view connection) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [token, conn] : registration_tokens_)
    if (conn == connection) out.push_back(token);
  return out;
}

void shared_state::erase_registration_tokens(std::string_view connection) {
  std::lock_guard lock(mutex_);
  if (std::erase_if(registration_tokens_, [&](const auto& kv) { return kv.second == connection; }) > 0)
    record([conn = std::string(connection)](state_store& s) { s.erase_registration_tokens(conn); });
}

void shared_state::add_pending_command(pending_command cmd) {
  std::lock_guard lock(mutex_);
  record([cmd](state_store& s) { s.put_pending(cmd); });
  std::string id = cmd.id;
  pending_.insert_or_assign(std::move(id), std::move(cmd));
}

std::optional<pending_command> shared_state::pending(std::string_view id) const {
  std::lock_guard lock(mutex_);
  if (auto it = pending_.find(id); it != pending_.end()) return it->second;
  return std::nullopt;
}

bool shared_state::finish_pending(std::string_view id, std::string_view state) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(id);
  if (it == pending_.end() || it->second.state != "PENDING") return false;
  it->second.state = std::string(state);
  record([cmd = it->second](state_store& s) { s.put_pending(cmd); });
  return true;
}

std::size_t shared_state::purge_finished_pending(std::int64_t cutoff_ms) {
  std::lock_guard lock(mutex_);
  std::size_t purged = 0;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.state == "PENDING" || it->second.expires_at_ms >= cutoff_ms) {
      ++it;
      continue;
    }
    record([id = it->first](state_store& s) { s.erase_pending(id); });
    it = pending_.erase(it);
    ++purged;
  }
  return purged;
}

std::vector<pending_command> shared_state::expired_pending(std::int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  std::vector<pending_command> out;
  for (const auto& [id, c] : pending_)
    if (c.state == "PENDING" && c.expires_at_ms <= now_ms) out.push_back(c);
  return out;
}

bool shared_state::store_writable() const noexcept { return !writer_ || writer_->writable(); }

void shared_state::when_durable(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    // Under mutex_: every mutation that returned before this call is already queued ahead of fn.
    if (writer_) return writer_->when_durable(std::move(fn));
  }
  fn();
}

std::optional<object_key> shared_state::cdr_by_exposed_id(std::string_view e) const { LOCKED(inner_.cdr_by_exposed_id(e)); }

std::optional<std::string> shared_state::endpoint_directory(std::string_view connection) const {
  std::lock_guard lock(mutex_);
  if (auto it = endpoint_directories_.find(connection); it != endpoint_directories_.end()) return it->second;
  return std::nullopt;
}

void shared_state::set_endpoint_directory(std::string_view connection, std::string json) {
  std::lock_guard lock(mutex_);
  // Discovery refreshes rewrite the same directory: only a change becomes a write.
  if (auto it = endpoint_directories_.find(connection); it != endpoint_directories_.end() && it->second == json) return;
  record([conn = std::string(connection), json](state_store& s) { s.put_endpoint_directory(conn, json); });
  endpoint_directories_.insert_or_assign(std::string(connection), std::move(json));
}

void shared_state::erase_endpoint_directory(std::string_view connection) {
  std::lock_guard lock(mutex_);
  if (auto it = endpoint_directories_.find(connection); it != endpoint_directories_.end()) {
    endpoint_directories_.erase(it);
    record([conn = std::string(connection)](state_store& s) { s.erase_endpoint_directory(conn); });
  }
}

void shared_state::put_flow_row(flow_row row) {
  std::lock_guard lock(mutex_);
  record([row = std::move(row)](state_store& s) { s.put_flow_row(row); });
}

void shared_state::erase_flow_row(std::string table, std::string key) {
  std::lock_guard lock(mutex_);
  record([table = std::move(table), key = std::move(key)](state_store& s) { s.erase_flow_row(table, key); });
}

std::vector<flow_row> shared_state::take_loaded_flow_rows() {
  std::lock_guard lock(mutex_);
  return std::exchange(loaded_flow_rows_, {});
}

// --- persistence ---------------------------------------------------------------------------

void shared_state::attach(std::unique_ptr<state_store> store) {
  state_snapshot snap = store->load();  // before serving: nobody else touches the state yet
  std::lock_guard lock(mutex_);
  if (writer_) throw std::logic_error("shared_state::attach: a store is already attached");
  spdlog::info("state store {}: {} connection(s), {} pending command(s), {} cached object(s), {} id map entries",
               store->name(), snap.credentials.size(), snap.pending_commands.size(), snap.objects.size(),
               snap.exposed_locations.size() + snap.exposed_cdrs.size() + snap.long_ids.size());
  restore(snap);
  inner_.set_listener(this);
  writer_ = std::make_unique<store_writer>(std::move(store));
  if (!snap.outbound.empty() || !snap.dead_letters.empty())
    spdlog::info("state store: {} queued request(s) toward IOP, {} dead letter(s)", snap.outbound.size(),
                 snap.dead_letters.size());
  outbound_.restore(std::move(snap.outbound), std::move(snap.dead_letters));
  outbound_.set_persist([w = writer_.get()](outbound_queue::write fn) { w->push(std::move(fn)); });
}

void shared_state::restore(state_snapshot& snap) {
  for (auto& [conn, c] : snap.credentials) credentials_.insert_or_assign(conn, std::move(c));
  for (auto& [token, conn] : snap.registration_tokens) registration_tokens_.insert_or_assign(token, std::move(conn));
  for (auto& c : snap.pending_commands) pending_.insert_or_assign(c.id, std::move(c));
  for (auto& [key, status] : snap.last_status) last_status_.insert_or_assign(key, std::move(status));
  for (auto& [conn, json] : snap.endpoint_directories) endpoint_directories_.insert_or_assign(conn, std::move(json));
  for (const auto& o : snap.objects) {
    switch (o.kind) {
      case cache::location: inner_.put_location(o.json); break;
      case cache::session: inner_.put_session(o.json); break;
      case cache::tariff: inner_.put_tariff(o.json); break;
      case cache::token: index_token(o.json); break;
    }
  }
  for (auto& a : snap.authorizations) inner_.put_authorization(a.cpo, a.reference, std::move(a.rec));
  for (const auto& e : snap.exposed_locations) inner_.restore_exposed_location(e.key, e.exposed);
  for (const auto& e : snap.exposed_cdrs) inner_.restore_exposed_cdr(e.key, e.exposed);
  for (const auto& h : snap.long_ids) inner_.restore_long_id(h.hashed, h.original);
  loaded_flow_rows_ = std::move(snap.flow_rows);
}

void shared_state::detach() {
  std::unique_ptr<store_writer> writer;
  {
    std::lock_guard lock(mutex_);
    inner_.set_listener(nullptr);
    outbound_.set_persist({});
    writer = std::move(writer_);
  }
  if (writer) writer->close();  // outside mutex_: pending callbacks may read the state
}

void shared_state::reseal(std::shared_ptr<const token_seal> seal) {
  std::lock_guard lock(mutex_);
  record([seal = std::move(seal)](state_store& s) { s.reseal(seal); });
}

bool shared_state::persistent() const {
  std::lock_guard lock(mutex_);
  return writer_ != nullptr;
}

// context_listener: called by inner_ while mutex_ is held.
void shared_state::cached(cache which, const std::string& key, const std::string& json) {
  record([o = stored_object{which, key, json}](state_store& s) { s.put_object(o); });
}
void shared_state::authorization_put(const std::string& key, const party& cpo, const std::string& reference,
                                     const authorization_record& rec) {
  record([a = stored_authorization{key, cpo, reference, rec}](state_store& s) { s.put_authorization(a); });
}
void shared_state::location_id_exposed(const object_key& owner, const std::string& exposed) {
  record([e = stored_id{owner, exposed}](state_store& s) { s.put_exposed_location(e); });
}
void shared_state::cdr_id_exposed(const object_key& owner, const std::string& exposed) {
  record([e = stored_id{owner, exposed}](state_store& s) { s.put_exposed_cdr(e); });
}
void shared_state::long_id_hashed(const std::string& hashed, const std::string& original) {
  record([h = stored_hash{hashed, original}](state_store& s) { s.put_long_id(h); });
}

std::string connection_key(const party& p) {
  std::string k = "legacy:" + p.country_code + "*" + p.party_id;
  for (auto& c : k)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  k.replace(0, 7, "legacy:");
  return k;
}

#undef LOCKED

}  // namespace ocpi::proxy
