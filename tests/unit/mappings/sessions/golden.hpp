#pragma once
// Golden-pair helpers for the Sessions and CDRs suites: tests/data/<module>/<case>.v211.json and
// .v221.json, with an optional <case>.context.json loaded into the memory_context.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "support/json_compare.hpp"

namespace ocpi::test {

inline void load_context(memory_context& ctx, const std::string& module, const std::string& name) {
  const std::string rel = module + "/" + name + ".context.json";
  if (std::filesystem::exists(std::string(OCPI_TEST_DATA) + "/" + rel)) ctx.load(data(rel));
}

inline bool has_loss(const translation& t, const std::string& path, loss_kind k) {
  for (const auto& l : t.losses)
    if (l.path == path && l.kind == k) return true;
  return false;
}

inline bool has_loss_reason(const translation& t, const std::string& path, const std::string& part) {
  for (const auto& l : t.losses)
    if (l.path == path && l.reason.find(part) != std::string::npos) return true;
  return false;
}

inline std::string describe(const translation& t) {
  std::string s = t.err ? "error " + std::to_string(t.err->status_code) + " " + t.err->describe() + "\n" : "";
  for (const auto& l : t.losses) s += std::string(to_string(l.kind)) + " " + l.path + ": " + l.reason + "\n";
  return s + t.body;
}

// Translates <case>.v211.json (up) or <case>.v221.json (down) and compares with the other file.
inline translation golden(memory_context& ctx, translate_request req, const std::string& module, const std::string& name) {
  load_context(ctx, module, name);
  const bool up = req.dir == direction::up;
  const std::string in = data(module + "/" + name + (up ? ".v211.json" : ".v221.json"));
  const std::string expected = data(module + "/" + name + (up ? ".v221.json" : ".v211.json"));
  auto r = translate(req, in, ctx);
  INFO(describe(r));
  REQUIRE(r.ok());
  CHECK(same_json(r.body, expected));
  return r;
}

}  // namespace ocpi::test
