// Tokens golden pairs (MAPPING §3.2, TV-09, TV-10, spec examples token_*.json and
// transport_and_format_get_token_example.json, Gireve 2.1.1 cpo_tokens.md / emsp_tokens.md).
#include "mappings/tokens/golden_cases.hpp"

using namespace ocpi;
using test::golden_case;

namespace {
constexpr int cpo_a = 0, emsp_a = 2;
const party emp{"FR", "EMP"};
}  // namespace

TEST_CASE("3.2.2 TV-09 (a) token push ToIOP and its reverse toward the owner") {
  test::run_golden({.module = "tokens", .name = "tv09a_token_push", .kind = object_kind::token, .up = true, .down = true,
                    .to = recipient::legacy_emsp, .legacy = emsp_a, .owner = emp,
                    .up_losses = {"uid|warning"}});  // 012345678: 9 characters (4.9)
}

TEST_CASE("3.2.2 TV-09 (b) token PATCH ToIOP gets last_updated") {
  test::run_golden({.module = "tokens", .name = "tv09b_token_patch", .kind = object_kind::token, .up = true,
                    .shape = input_shape::patch, .legacy = emsp_a, .owner = emp, .up_losses = {"last_updated|defaulted"}});
}

TEST_CASE("3.2.2 TV-09 (c) app token FromIOP to a legacy CPO: OTHER, issuer DE*TNM") {
  test::run_golden({.module = "tokens", .name = "tv09c_token_app_user", .kind = object_kind::token, .down = true,
                    .to = recipient::legacy_cpo, .legacy = cpo_a, .owner = party{"DE", "TNM"},
                    .down_losses = {"type|derived", "issuer|derived"}});
}

TEST_CASE("3.2.2 spec token_example_2_full_rfid down: 2.2-only fields dropped") {
  test::run_golden({.module = "tokens", .name = "token_example_2_full_rfid", .kind = object_kind::token, .down = true,
                    .to = recipient::legacy_cpo, .legacy = cpo_a,
                    .down_losses = {"group_id|dropped", "default_profile_type|dropped", "energy_contract|dropped",
                                    "issuer|derived"}});
}

TEST_CASE("3.2.2 spec token_put_example down toward its owner keeps the issuer") {
  test::run_golden({.module = "tokens", .name = "token_put_example", .kind = object_kind::token, .down = true,
                    .to = recipient::legacy_emsp, .legacy = emsp_a, .down_losses = {"group_id|dropped"}});
}

TEST_CASE("3.2.2 spec token_patch_example both ways") {
  test::run_golden({.module = "tokens", .name = "token_patch_example", .kind = object_kind::token, .up = true,
                    .down = true, .shape = input_shape::patch, .to = recipient::legacy_cpo, .legacy = emsp_a, .owner = emp});
}

TEST_CASE("3.2.6 TV-10 (b) spec transport_and_format_get_token_example down to a CPO") {
  test::run_golden({.module = "tokens", .name = "transport_get_token_example", .kind = object_kind::token, .down = true,
                    .to = recipient::legacy_cpo, .legacy = cpo_a, .down_losses = {"issuer|derived"}});
}

TEST_CASE("4.2 Gireve cpo_tokens.md token list: issuer is the eMSP's eMI3 id") {
  test::run_golden({.module = "tokens", .name = "gireve_cpo_tokens_list", .kind = object_kind::token, .down = true,
                    .shape = input_shape::list, .to = recipient::legacy_cpo, .legacy = cpo_a,
                    .down_losses = {"[0].type|derived", "[0].issuer|derived", "[1].issuer|derived",
                                    "[1].group_id|dropped"}});
}

TEST_CASE("3.2.6 Gireve cpo_tokens.md unitary token (issuer corrected)") {
  test::run_golden({.module = "tokens", .name = "gireve_cpo_tokens_unitary", .kind = object_kind::token, .down = true,
                    .to = recipient::legacy_cpo, .legacy = cpo_a, .down_losses = {"issuer|derived"}});
}

TEST_CASE("3.2.2 Gireve emsp_tokens.md PUT and PATCH both ways") {
  test::run_golden({.module = "tokens", .name = "gireve_emsp_tokens_put", .kind = object_kind::token, .up = true,
                    .down = true, .to = recipient::legacy_emsp, .legacy = emsp_a, .owner = emp});
  test::run_golden({.module = "tokens", .name = "gireve_emsp_tokens_patch", .kind = object_kind::token, .up = true,
                    .down = true, .shape = input_shape::patch, .to = recipient::legacy_emsp, .legacy = emsp_a, .owner = emp});
}

TEST_CASE("3.2.4 TV-10 (a) authorize request ToIOP drops connector_ids") {
  test::run_golden({.module = "tokens", .name = "tv10a_authorize_request", .kind = object_kind::location_references,
                    .up = true, .legacy = cpo_a, .up_losses = {"connector_ids|dropped"}});
}

TEST_CASE("3.2.4 Gireve cpo_tokens.md authorize request both ways") {
  // Down is T4 toward a legacy eMSP: the CPO (OCPI-from) owns 11111, exposed unchanged (4.6).
  test::run_golden({.module = "tokens", .name = "gireve_authorize_request", .kind = object_kind::location_references,
                    .up = true, .down = true, .to = recipient::legacy_emsp, .legacy = cpo_a, .from = party{"FR", "CPO"}});
}

TEST_CASE("3.2.3 TV-10 (a) IOP authorize answer to CPO-A (= Gireve cpo_tokens.md answer)") {
  test::run_golden({.module = "tokens", .name = "tv10a_authorization_info", .kind = object_kind::authorization_info,
                    .down = true, .to = recipient::legacy_cpo, .legacy = cpo_a});
}

TEST_CASE("3.2.3 T4 legacy eMSP answer ToIOP: token synthesised on a cache miss") {
  test::run_golden({.module = "tokens", .name = "t4_authorization_info_synthesised",
                    .kind = object_kind::authorization_info, .up = true, .legacy = emsp_a, .token_uid = "AAAAAA",
                    .up_losses = {"token|derived"}});
}
