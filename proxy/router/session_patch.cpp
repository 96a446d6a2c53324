#include "proxy/router/session_patch.hpp"

#include "proxy/router/json_edit.hpp"

namespace ocpi::proxy {

namespace {

std::string start_of(const std::string& period) { return string_at(period, {"start_date_time"}).value_or(""); }

std::vector<std::string> periods_of(std::string_view session) {
  const auto list = member_json(session, "charging_periods");
  if (!list) return {};
  return array_elements(*list).value_or(std::vector<std::string>{});
}

}  // namespace

periods_merge read_periods(const std::vector<std::string>& cached, const std::vector<std::string>& patch) {
  periods_merge r;
  bool starts_match = patch.size() >= cached.size();
  r.cached_is_prefix = starts_match;
  for (std::size_t i = 0; i < cached.size() && starts_match; ++i) {
    starts_match = compare_utc_timestamps(start_of(patch[i]), start_of(cached[i])) == 0;
    r.cached_is_prefix = r.cached_is_prefix && starts_match && json_equal(patch[i], cached[i]);
  }
  r.cached_is_prefix = r.cached_is_prefix && starts_match;
  if (starts_match) {
    r.reading = periods_reading::replace;
    r.merged = patch;
    r.added.assign(patch.begin() + static_cast<long>(cached.size()), patch.end());
  } else if (!patch.empty() && !cached.empty() &&
             compare_utc_timestamps(start_of(patch.front()), start_of(cached.back())) > 0) {
    r.reading = periods_reading::append;
    r.merged = cached;
    r.merged.insert(r.merged.end(), patch.begin(), patch.end());
    r.added = patch;
  } else {
    r.reading = periods_reading::replace_unclear;
    r.merged = patch;
    r.added = patch;
  }
  return r;
}

std::optional<toiop_session_update> plan_toiop_session_patch(std::optional<std::string_view> cached,
                                                             std::string_view patch_221, bool patch_delta) {
  toiop_session_update u;
  const auto patch_periods = member_json(patch_221, "charging_periods");
  if (!cached) {
    // State lost: best effort, and a 2.2.1 receiver will append what a 2.1.1 CPO meant as the list.
    u.put = false;
    u.body = std::string(patch_221);
    u.warning = "no cached Session to merge into: sent as a 2.2.1 PATCH (3.4.6)";
    return u;
  }
  auto merged = merge_members(*cached, patch_221, true);
  if (!merged) return std::nullopt;
  periods_merge pm;
  if (patch_periods) {
    const auto listed = array_elements(*patch_periods);
    if (!listed) return std::nullopt;
    pm = read_periods(periods_of(*cached), *listed);
    merged = with_member(*merged, "charging_periods", join_array(pm.merged));
    if (!merged) return std::nullopt;
    if (pm.reading == periods_reading::replace_unclear)
      u.warning = "charging_periods neither repeat nor continue the cached list: replaced (A-31)";
  }
  u.merged = *merged;
  if (!patch_delta) {
    u.body = *merged;
    return u;
  }
  // PATCH_DELTA: 2.2.1 appends, so only new periods may go; a changed or removed one needs a PUT.
  if (patch_periods && pm.reading != periods_reading::append && !pm.cached_is_prefix) {
    u.body = *merged;
    u.warning += u.warning.empty() ? "a cached charging period changed: full PUT (3.4.6)" : "; full PUT";
    return u;
  }
  u.put = false;
  auto body = patch_periods ? with_member(patch_221, "charging_periods", pm.added.empty() ? "" : join_array(pm.added))
                            : std::optional<std::string>(std::string(patch_221));
  if (!body) return std::nullopt;
  u.body = std::move(*body);
  return u;
}

std::optional<fromiop_session_update> plan_fromiop_session_patch(std::optional<std::string_view> cached,
                                                                 std::string_view patch_221) {
  fromiop_session_update u;
  const auto patch_periods = member_json(patch_221, "charging_periods");
  if (!cached) {
    // Without the base the whole list cannot be rebuilt; the next PUT repairs it (3.4.6).
    auto body = patch_periods ? with_member(patch_221, "charging_periods", "")
                              : std::optional<std::string>(std::string(patch_221));
    if (!body) return std::nullopt;
    u.patch_221 = std::move(*body);
    if (patch_periods) u.warning = "no cached Session: charging_periods not forwarded (3.4.6)";
    return u;
  }
  auto merged = merge_members(*cached, patch_221, true);
  if (!merged) return std::nullopt;
  u.patch_221 = std::string(patch_221);
  if (patch_periods) {
    auto all = periods_of(*cached);
    const auto added = array_elements(*patch_periods);
    if (!added) return std::nullopt;
    all.insert(all.end(), added->begin(), added->end());
    const std::string list = join_array(all);
    merged = with_member(*merged, "charging_periods", list);
    auto body = with_member(patch_221, "charging_periods", list);
    if (!merged || !body) return std::nullopt;
    u.patch_221 = std::move(*body);
  }
  u.merged = std::move(*merged);
  return u;
}

}  // namespace ocpi::proxy
