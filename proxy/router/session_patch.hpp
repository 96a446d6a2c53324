#pragma once
// Session PATCH across the versions (MAPPING §3.4.6): a 2.1.1 PATCH *replaces* charging_periods,
// a 2.2.1 PATCH *appends* them, and Gireve's IOP implements no Session PATCH at all. These pure
// functions turn a translated PATCH plus the last full 2.2.1 Session of the cache into what is
// sent and what is cached; the flows do the I/O.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocpi::proxy {

// How a 2.1.1 `charging_periods` PATCH list relates to the cached list (Ambiguity A-31).
enum class periods_reading {
  replace,         // it begins with the cached periods (same start times, same order): the full list
  append,          // it starts strictly after the last cached period: the new periods only
  replace_unclear  // neither: replaced, with a warning
};

struct periods_merge {
  periods_reading reading = periods_reading::replace;
  std::vector<std::string> merged;  // the list the Session now has
  std::vector<std::string> added;   // the periods new relative to the cache (PATCH_DELTA sends these)
  bool cached_is_prefix = false;    // the cached periods are deep-equal to the head of the list
};
periods_merge read_periods(const std::vector<std::string>& cached, const std::vector<std::string>& patch);

// ToIOP (S2): what to send for a translated 2.1.1 PATCH (a 2.2.1 PATCH body: no `id`, with
// `last_updated`), per `sessions.patch_strategy`.
struct toiop_session_update {
  bool put = true;      // PUT the full object (else PATCH)
  std::string body;     // 2.2.1 body to send
  std::string merged;   // full 2.2.1 Session to cache once IOP accepted it; empty without a base
  std::string warning;  // for the exchange log
};
// `cached`: the last full 2.2.1 Session sent for this key, if any. nullopt when a text is not a
// JSON object (the caller answers 3000: its own cache or translation is broken).
std::optional<toiop_session_update> plan_toiop_session_patch(std::optional<std::string_view> cached,
                                                             std::string_view patch_221, bool patch_delta);

// FromIOP (S6): a 2.2.1 PATCH from IOP appends its periods to the cached Session; the legacy eMSP
// (2.1.1, replace semantics) gets the whole merged list.
struct fromiop_session_update {
  std::string patch_221;  // the PATCH to translate down: `charging_periods` = the merged list
  std::string merged;     // full 2.2.1 Session to cache once the legacy eMSP accepted; empty without a base
  std::string warning;
};
std::optional<fromiop_session_update> plan_fromiop_session_patch(std::optional<std::string_view> cached,
                                                                 std::string_view patch_221);

}  // namespace ocpi::proxy
