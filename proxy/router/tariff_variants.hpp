#pragma once
// Per-eMSP Tariff variants toward legacy eMSPs (MAPPING §3.6.7, TV-20). Gireve 2.2.1 lets a CPO
// send several descriptions under one Tariff id, one per target eMSP (`target_operator_*`) and one
// default; a 2.1.1 eMSP holds one description per id. The translation drops variants targeted at
// other operators; choosing between a default and a variant targeted at the eMSP needs every
// variant received so far, which is what these functions add.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/state/flow_tables.hpp"

namespace ocpi::proxy {

// Owner, id and target of a 2.2.1 Tariff; nullopt when the text is not a Tariff-shaped object.
struct variant_key {
  party owner;
  std::string id;
  std::string target;  // operator_key() of target_operator_*, empty for the default variant
};
std::optional<variant_key> variant_key_of(std::string_view tariff_221);

// The variant a legacy eMSP gets: the one targeted at it, else the default, else none.
const tariff_variant* effective_variant(const std::vector<tariff_variant>& variants, const party& emsp);

// A pulled page (F7): every variant on it is remembered; a default whose (owner, id) has a variant
// targeted at `emsp` is replaced by that variant, or dropped when that variant is on the page
// itself (variants of one id may sit on different pages). Variants targeted at other operators
// stay: the translation removes them.
void select_page_variants(flow_tables& tables, const party& emsp, std::vector<std::string>& objects);

}  // namespace ocpi::proxy
