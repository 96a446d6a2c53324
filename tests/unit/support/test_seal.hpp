#pragma once
// The token seal of test stores: one fixed key, so that a test reopening a database (or a child
// process writing it) opens what another store handle sealed.
#include <memory>
#include <vector>

#include "proxy/state/token_seal.hpp"

namespace ocpi::test {

inline std::shared_ptr<const proxy::token_seal> test_seal() {
  static const auto seal =
      std::make_shared<const proxy::token_seal>(std::vector<proxy::state_key>{proxy::state_key{7, 7, 7}});
  return seal;
}

}  // namespace ocpi::test
