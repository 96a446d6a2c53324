// Identifier rows shared by Tokens and Commands: §1.9 long ids, §4.1 authorization ids, §4.6
// exposed Location ids.
#include "tokens/id_rules.hpp"

#include <string>

namespace ocpi::mappings::tokens {

namespace {

constexpr std::size_t id_max_221 = 36;  // CiString(36), §1.9
constexpr std::size_t id_max_211 = 39;  // 2.1.1 string(39) Location/EVSE ids

// A value the proxy produced with hashed_id(): 27 chars + "~" + 8 hex chars (§1.9).
bool looks_hashed(std::string_view id) noexcept { return id.size() == id_max_221 && id[27] == '~'; }

void write_id(walk& w, std::string_view key, std::string_view id) {
  if (!key.empty()) w.out.key(key);
  w.out.string(id);
}

template <typename Fn>
bool each_string(walk& w, const field_rule& r, od::value v, Fn&& fn) {
  od::array arr;
  if (auto ec = v.get_array().get(arr)) return w.fail_json({}, ec);
  w.out.key(r.target());
  w.out.begin_array();
  std::size_t i = 0;
  for (auto e : arr) {
    od::value ev;
    if (auto ec = e.get(ev)) return w.fail_json({}, ec);
    w.push(i++);
    std::string_view s;
    const bool ok = w.read_string(ev, {}, s) && fn(s);
    w.pop();
    if (!ok) return false;
  }
  w.out.end_array();
  return true;
}

}  // namespace

bool patch_null(walk& w, od::value& v) {
  bool null = false;
  if (v.is_null().get(null) || !null) return false;
  w.lost(loss_kind::dropped, {}, "null in a PATCH cannot clear a field (1.8.4)");
  return true;
}

bool write_long_id_up(walk& w, std::string_view field, std::string_view key, std::string_view id) {
  if (id.size() <= id_max_221) {
    write_id(w, key, id);
    return true;
  }
  if (w.opts().ids_long_id_policy != "HASH")
    return w.fail(status::invalid_parameters, field, "identifier longer than 36 characters (1.9)");
  if (id.size() > id_max_211) return w.fail(status::invalid_parameters, field, "longer than 39 characters");
  write_id(w, key, w.ctx.hash_long_id(id));
  w.lost(loss_kind::derived, field, "identifier longer than 36 characters replaced by its hash (1.9)");
  return true;
}

bool write_id_down(walk& w, std::string_view field, std::string_view key, std::string_view id) {
  if (id.size() > id_max_221) return w.fail(status::invalid_parameters, field, "longer than 36 characters");
  if (looks_hashed(id)) {
    if (auto original = w.ctx.original_of_hash(id)) {
      write_id(w, key, *original);
      return true;
    }
  }
  write_id(w, key, id);
  return true;
}

bool long_id_up(walk& w, const field_rule& r, od::value v, object_state&) {
  if (patch_null(w, v)) return true;
  std::string_view id;
  if (!w.read_string(v, {}, id)) return false;
  return write_long_id_up(w, {}, r.target(), id);
}

bool long_id_array_up(walk& w, const field_rule& r, od::value v, object_state&) {
  return each_string(w, r, v, [&](std::string_view s) { return write_long_id_up(w, {}, {}, s); });
}

bool id_down(walk& w, const field_rule& r, od::value v, object_state&) {
  if (patch_null(w, v)) return true;
  std::string_view id;
  if (!w.read_string(v, {}, id)) return false;
  return write_id_down(w, {}, r.target(), id);
}

bool id_array_down(walk& w, const field_rule& r, od::value v, object_state&) {
  return each_string(w, r, v, [&](std::string_view s) { return write_id_down(w, {}, {}, s); });
}

bool authorization_id_up(walk& w, const field_rule& r, od::value v, object_state&) {
  std::string_view id;
  if (!w.read_string(v, {}, id)) return false;
  w.out.key(r.target());
  if (id.size() <= id_max_221) {
    w.out.string(id);
    return true;
  }
  // §4.1: a legacy eMSP's long value is kept behind a hash; Sessions/CDRs restore it coming back.
  w.out.string(w.ctx.hash_long_id(id));
  w.lost(loss_kind::derived, {}, "authorization_id longer than 36 characters replaced by its hash (4.1)");
  return true;
}

bool authorization_id_wanted(walk& w) {
  if (!w.req.legacy || w.req.legacy->authorization_id_extension) return true;
  w.lost(loss_kind::dropped, {},
         "no authorization_id: a Gireve 2.1.1 extension, off for this party (legacy authorization_id_extension, 4.1)");
  return false;
}

bool authorization_reference_down(walk& w, const field_rule& r, od::value v, object_state&) {
  std::string_view ref;
  if (!w.read_string(v, {}, ref)) return false;
  if (ref.size() > id_max_221) return w.fail(status::invalid_parameters, {}, "longer than 36 characters");
  if (!authorization_id_wanted(w)) return true;
  write_id(w, r.target(), ref);
  return true;
}

bool exposed_location_id_up(walk& w, const field_rule& r, od::value v, object_state& st) {
  std::string_view exposed;
  if (!w.read_string(v, {}, exposed)) return false;
  if (exposed.size() > id_max_211) return w.fail(status::invalid_parameters, {}, "longer than 39 characters");
  const auto key = w.ctx.location_by_exposed_id(exposed);
  if (!key) return w.fail(status::unknown_location, {}, "unknown location '" + std::string(exposed) + "' (4.6)");
  st.slot[0] = exposed;
  w.out.key(r.target());
  w.out.string(key->id);
  return true;
}

}  // namespace ocpi::mappings::tokens
