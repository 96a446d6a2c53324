#include "proxy/router/key_rotation.hpp"

#include <spdlog/spdlog.h>

#include "proxy/router/durability.hpp"
#include "proxy/router/runtime.hpp"

namespace ocpi::proxy {

boost::asio::awaitable<rotation_result> rotate_state_key(runtime& rt) {
  const auto ring = rt.state_keys;
  if (!ring)
    co_return rotation_result{409, "state.store = memory keeps no token on disk: there is no state key to rotate"};
  if (ring->keys.file.empty())
    co_return rotation_result{409, "the state key comes from " + ring->keys.origin +
                                       ": set the new key there and the current one in " + previous_state_key_env +
                                       ", then restart the bridge (it re-seals at start-up)"};
  if (ring->rotating.exchange(true)) co_return rotation_result{409, "a state key rotation is in progress"};
  rotation_result result;
  std::string failure;
  try {
    const std::string& file = ring->keys.file;
    std::vector<state_key> both{token_seal::new_key()};
    both.insert(both.end(), ring->keys.keys.begin(), ring->keys.keys.end());
    write_key_file(file, both);
    ring->keys.keys = both;
    auto with_both = std::make_shared<const token_seal>(both);
    const std::string id = with_both->current_id();
    rt.state.reseal(with_both);
    co_await durable(rt.state);
    // Committed: no row needs an old key any more. The store forgets them before the file does,
    // so that nothing it seals from now on could depend on them.
    std::vector<state_key> only{both.front()};
    rt.state.reseal(std::make_shared<const token_seal>(only));
    co_await durable(rt.state);
    write_key_file(file, only);
    ring->keys.keys = only;
    result.message =
        "state key rotated: every sealed token re-sealed with key " + id + "; " + file + " holds only that key";
    spdlog::info("state key: {}", result.message);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  ring->rotating = false;
  if (!failure.empty()) {
    spdlog::error("state key rotation failed: {}", failure);
    co_return rotation_result{500, "state key rotation failed: " + failure};
  }
  co_return result;
}

}  // namespace ocpi::proxy
