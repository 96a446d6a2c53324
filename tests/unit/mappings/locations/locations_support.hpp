#pragma once
// Helpers for the Locations tests: one-call translations with the §6.0 fixture and loss queries.
#include <algorithm>
#include <string>

#include "support/json_compare.hpp"

namespace ocpi::test::locations {

// §6.0 fixture parties: [0] CPO-A FR/CPO, [1] CPO-B BE/BEC, [2] EMSP-A FR/EMP.
inline const legacy_party& cpo_a(const memory_context& ctx) { return ctx.options().legacy[0]; }
inline const legacy_party& cpo_b(const memory_context& ctx) { return ctx.options().legacy[1]; }

inline translate_request up(object_kind k, const legacy_party& lp, input_shape shape = input_shape::object) {
  return {.kind = k, .dir = direction::up, .shape = shape, .legacy = &lp, .owner = lp.id};
}
inline translate_request down(object_kind k, recipient to, input_shape shape = input_shape::object,
                              std::optional<party> owner = std::nullopt) {
  return {.kind = k, .dir = direction::down, .shape = shape, .owner = std::move(owner), .to = to};
}

inline std::size_t count(const translation& r, loss_kind k) {
  return static_cast<std::size_t>(std::count_if(r.losses.begin(), r.losses.end(), [k](const loss& l) { return l.kind == k; }));
}
// A loss of kind `k` whose path is `path` and whose reason mentions `text`.
inline bool has_loss(const translation& r, loss_kind k, const std::string& path, const std::string& text = {}) {
  return std::any_of(r.losses.begin(), r.losses.end(), [&](const loss& l) {
    return l.kind == k && l.path == path && l.reason.find(text) != std::string::npos;
  });
}
inline std::string describe(const translation& r) {
  std::string s = r.err ? "error " + std::to_string(r.err->status_code) + " " + r.err->describe() + "\n" : "";
  for (const auto& l : r.losses) s += std::string(to_string(l.kind)) + " " + l.path + ": " + l.reason + "\n";
  return s + r.body;
}

// Removes `key` from a JSON object text (PATCH round trips: the up side adds last_updated).
inline std::string without(const std::string& json, const std::string& key) {
  auto j = nlohmann::json::parse(json);
  j.erase(key);
  return j.dump();
}

}  // namespace ocpi::test::locations
