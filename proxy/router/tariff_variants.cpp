#include "proxy/router/tariff_variants.hpp"

#include <set>

#include "mappings/common/text.hpp"
#include "proxy/router/json_edit.hpp"

namespace ocpi::proxy {

std::optional<variant_key> variant_key_of(std::string_view tariff_221) {
  auto cc = string_at(tariff_221, {"country_code"}), pid = string_at(tariff_221, {"party_id"});
  auto id = string_at(tariff_221, {"id"});
  if (!cc || !pid || !id) return std::nullopt;
  variant_key k{{std::move(*cc), std::move(*pid)}, std::move(*id), {}};
  const auto tcc = string_at(tariff_221, {"target_operator_country_code"});
  const auto tpid = string_at(tariff_221, {"target_operator_party_id"});
  if (tcc && tpid) k.target = operator_key({*tcc, *tpid});
  return k;
}

const tariff_variant* effective_variant(const std::vector<tariff_variant>& variants, const party& emsp) {
  const std::string me = operator_key(emsp);
  const tariff_variant* fallback = nullptr;
  for (const auto& v : variants) {
    if (v.target == me) return &v;
    if (v.target.empty()) fallback = &v;
  }
  return fallback;
}

void select_page_variants(flow_tables& tables, const party& emsp, std::vector<std::string>& objects) {
  const std::string me = operator_key(emsp);
  std::set<std::string> targeted_here;  // owner|id with a variant for `emsp` on this page
  std::vector<std::optional<variant_key>> keys;
  keys.reserve(objects.size());
  for (const auto& o : objects) {
    keys.push_back(variant_key_of(o));
    if (!keys.back()) continue;
    const auto& k = *keys.back();
    tables.put_tariff_variant(k.owner, k.id, {k.target, o});
    if (k.target == me) targeted_here.insert(operator_key(k.owner) + "|" + mappings::to_upper(k.id));
  }
  std::vector<std::string> out;
  out.reserve(objects.size());
  for (std::size_t i = 0; i < objects.size(); ++i) {
    if (!keys[i] || !keys[i]->target.empty()) {
      out.push_back(std::move(objects[i]));
      continue;
    }
    const auto& k = *keys[i];
    if (targeted_here.contains(operator_key(k.owner) + "|" + mappings::to_upper(k.id))) continue;
    const auto variants = tables.tariff_variants(k.owner, k.id);
    const tariff_variant* chosen = effective_variant(variants, emsp);
    out.push_back(chosen && chosen->target == me ? chosen->json_221 : std::move(objects[i]));
  }
  objects = std::move(out);
}

}  // namespace ocpi::proxy
