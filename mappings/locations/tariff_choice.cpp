#include "locations/tariff_choice.hpp"

#include "common/datetime.hpp"

namespace ocpi::mappings::locations {

party tariff_owner(const walk& w, const object_state& st) {
  if (w.req.owner) return *w.req.owner;
  for (const object_state* s = &st; s; s = s->parent)
    if (!s->slot[0].empty() || !s->slot[1].empty()) return {std::string(s->slot[0]), std::string(s->slot[1])};
  return {};
}

std::string_view choose_tariff_id(const mapping_context& ctx, const party& owner,
                                  std::span<const std::string_view> ids) {
  thread_local side_parser parser;
  const auto now = epoch_seconds(ctx.now()).value_or(0);
  std::string_view first_candidate;
  for (const auto id : ids) {
    const auto cached = ctx.tariff(owner, id);
    if (!cached) {  // unknown tariff: a candidate, and counts as valid now
      return id;
    }
    simdjson::dom::element t;
    if (parser.parse(*cached, t)) return id;
    std::string_view type;
    if (!t["type"].get(type) && type != "REGULAR") continue;
    if (first_candidate.empty()) first_candidate = id;
    std::string_view start, end;
    const bool started = t["start_date_time"].get(start) || epoch_seconds(start).value_or(0) <= now;
    const bool not_ended = t["end_date_time"].get(end) || now < epoch_seconds(end).value_or(now + 1);
    if (started && not_ended) return id;
  }
  return first_candidate.empty() ? ids.front() : first_candidate;
}

}  // namespace ocpi::mappings::locations
