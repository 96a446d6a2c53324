#include "golden_cases.hpp"

#include <stdexcept>

namespace ocpi::bench {

namespace {

party parse_party(const std::string& text) {
  const auto star = text.find('*');
  if (star == std::string::npos) throw std::runtime_error("golden_cases.json: bad party " + text);
  return {text.substr(0, star), text.substr(star + 1)};
}

object_kind kind_of(const std::string& name) {
  const auto k = parse_object_kind(name);
  if (!k) throw std::runtime_error("golden_cases.json: unknown object " + name);
  return *k;
}

// The CLI's default role for a party the manifest does not describe (translate_command.cpp).
party_role default_role(object_kind k, direction d) {
  const bool up = d == direction::up;
  switch (k) {
    case object_kind::location:
    case object_kind::evse:
    case object_kind::connector:
    case object_kind::session:
    case object_kind::cdr:
    case object_kind::tariff:
    case object_kind::command_response:
    case object_kind::command_result:
      return up ? party_role::cpo : party_role::emsp;
    default:
      return up ? party_role::emsp : party_role::cpo;
  }
}

}  // namespace

legacy_party manifest_party(const nlohmann::json& parties, const std::string& name, party_role role,
                            mapping_options& opts) {
  const nlohmann::json p = parties.contains(name) ? parties[name] : nlohmann::json{{"party", name}};
  legacy_party lp;
  lp.role = role;
  lp.id = parse_party(p["party"].get<std::string>());
  lp.business_name = lp.id.emi3();
  for (const char* key : {"role", "business_name", "operator_id", "default_time_zone"})
    if (p.contains(key))
      if (auto e = opts.set(key, p[key].get<std::string>(), &lp)) throw std::runtime_error(*e);
  return lp;
}

std::vector<bench_case> golden_cases(const std::string& data_dir) {
  const auto manifest = nlohmann::json::parse(read_file(data_dir + "/golden_cases.json"));
  const std::string now = manifest["now"].get<std::string>();
  std::vector<bench_case> cases;
  for (const auto& c : manifest["cases"]) {
    for (const direction dir : {direction::up, direction::down}) {
      const char* d = dir == direction::up ? "up" : "down";
      if (!c.contains(d)) continue;
      const auto& spec = c[d];
      if (spec.value("refused", "") != "" || spec.value("suppressed", false)) continue;
      const std::string name = c["case"].get<std::string>();
      const auto kind = kind_of(c["object"].get<std::string>());
      const std::string shape = c.value("shape", "object");

      mapping_options opts;
      opts.legacy.push_back(
          manifest_party(manifest["parties"], spec["party"].get<std::string>(), default_role(kind, dir), opts));

      bench_case b;
      b.name = name + "/" + d;
      b.ctx = std::make_unique<memory_context>(opts, now);
      if (spec.contains("context") && spec["context"].is_string())
        b.ctx->load(read_file(data_dir + "/" + spec["context"].get<std::string>()));
      auto& r = b.req;
      r.kind = kind;
      r.dir = dir;
      r.shape = shape == "patch" ? input_shape::patch : shape == "list" ? input_shape::list : input_shape::object;
      r.legacy = &b.ctx->options().legacy.front();
      if (spec.contains("owner")) {
        if (spec["owner"].is_string() && !spec["owner"].get<std::string>().empty())
          r.owner = parse_party(spec["owner"].get<std::string>());
      } else if (dir == direction::up) {
        r.owner = r.legacy->id;
      }
      const std::string to = spec.value("recipient", "");
      if (dir == direction::up)
        r.to = recipient::hub;
      else if (to == "hub")
        r.to = recipient::hub;
      else if (to == "legacy_cpo")
        r.to = recipient::legacy_cpo;
      else if (to == "legacy_emsp")
        r.to = recipient::legacy_emsp;
      else
        r.to = r.legacy->role == party_role::emsp ? recipient::legacy_emsp : recipient::legacy_cpo;
      if (spec.contains("sender")) r.from = parse_party(spec["sender"].get<std::string>());
      r.command = spec.value("command", "");
      r.token_uid = spec.value("token_uid", "");

      const bool up = dir == direction::up;
      b.input = padded_input(read_file(data_dir + "/" + name + (up ? ".v211.json" : ".v221.json")));
      const std::string expected_file = spec.value("expected", name + (up ? ".v221.json" : ".v211.json"));
      b.expected = nlohmann::json::parse(read_file(data_dir + "/" + expected_file));
      if (spec.contains("adds")) b.adds = spec["adds"].get<std::vector<std::string>>();
      cases.push_back(std::move(b));
    }
  }
  return cases;
}

}  // namespace ocpi::bench
