#pragma once
// Golden-pair runner shared by the Tokens and Commands tests: tests/data/<module>/<case>.v211.json
// and .v221.json, translated up and/or down, compared as JSON values (MAPPING §6.0), with the exact
// list of losses each direction must report ("path|kind", order irrelevant).
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "support/json_compare.hpp"

namespace ocpi::test {

struct golden_case {
  const char* module;
  const char* name;
  object_kind kind;
  bool up = false;
  bool down = false;
  input_shape shape = input_shape::object;
  recipient to = recipient::hub;  // down only
  int legacy = -1;                // index into fixture_options().legacy
  std::optional<party> owner{};
  std::optional<party> from{};
  const char* command = "";
  const char* token_uid = "";
  const char* context = nullptr;  // memory_context::load file under tests/data
  std::vector<std::string> up_losses{};
  std::vector<std::string> down_losses{};
};

inline std::vector<std::string> loss_keys(const translation& r) {
  std::vector<std::string> k;
  for (const auto& l : r.losses) k.push_back(l.path + "|" + std::string(to_string(l.kind)));
  std::sort(k.begin(), k.end());
  return k;
}

inline void run_golden(const golden_case& g) {
  for (const direction dir : {direction::up, direction::down}) {
    if ((dir == direction::up && !g.up) || (dir == direction::down && !g.down)) continue;
    CAPTURE(g.name);
    CAPTURE(dir == direction::up ? "up" : "down");
    memory_context ctx(fixture_options());
    if (g.context) ctx.load(data(g.context));
    translate_request req{.kind = g.kind, .dir = dir, .shape = g.shape,
                          .legacy = g.legacy >= 0 ? &ctx.options().legacy[static_cast<std::size_t>(g.legacy)] : nullptr,
                          .owner = g.owner, .to = dir == direction::down ? g.to : recipient::hub, .from = g.from,
                          .command = g.command, .token_uid = g.token_uid};
    const std::string base = std::string(g.module) + "/" + g.name;
    const std::string in = data(base + (dir == direction::up ? ".v211.json" : ".v221.json"));
    const std::string want = data(base + (dir == direction::up ? ".v221.json" : ".v211.json"));
    const auto r = translate(req, in, ctx);
    REQUIRE_MESSAGE(r.ok(), r.err->describe());
    CHECK_MESSAGE(same_json(r.body, want), r.body);
    auto expected = dir == direction::up ? g.up_losses : g.down_losses;
    std::sort(expected.begin(), expected.end());
    CHECK(loss_keys(r) == expected);
  }
}

}  // namespace ocpi::test
