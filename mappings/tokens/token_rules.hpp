#pragma once
// The Token tables (MAPPING §3.2.2), exported because StartSession and ReserveNow embed a Token.
#include "engine/rules.hpp"

namespace ocpi::mappings::tokens {

// 2.1.1 -> 2.2.1: owner from the URL (top level) or the legacy eMSP (embedded), RFID rule (4.9),
// PATCH `last_updated` (1.8.4).
extern const object_rules token_rules_up;
// 2.2.1 -> 2.1.1: owner fields dropped, TokenType narrowed, issuer rule toward legacy CPOs (4.2).
extern const object_rules token_rules_down;

// The eMI3 RFID uid shape Gireve requires: ^[0-9A-F]{8}$|^[0-9A-F]{14}$ (4.9).
bool rfid_uid_well_formed(std::string_view uid) noexcept;

}  // namespace ocpi::mappings::tokens
