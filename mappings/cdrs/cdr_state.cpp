#include "cdrs/cdr_state.hpp"

#include "common/datetime.hpp"
#include "sessions/token_resolution.hpp"

namespace ocpi::mappings::cdrs {

namespace {
thread_local cdr_state* current = nullptr;
}  // namespace

cdr_state& state(object_state&) { return *current; }

scoped_state::scoped_state(cdr_state& s) : previous_(current) { current = &s; }
scoped_state::~scoped_state() { current = previous_; }

void write_replacement_period(walk& w, const cdr_state& s) {
  std::string start;
  if (!normalize_datetime(s.start, w.req.dir == direction::down && w.opts().time_strip_fraction_for_211, start))
    start.assign(s.start);
  auto& out = w.out;
  out.key("charging_periods");
  out.begin_array();
  out.begin_object();
  out.field("start_date_time", start);
  out.key("dimensions");
  out.begin_array();
  out.begin_object();
  out.field("type", std::string_view("ENERGY"));
  out.field_raw("volume", s.total_energy.empty() ? std::string_view("0") : s.total_energy);
  out.end_object();
  out.begin_object();
  out.field("type", std::string_view("TIME"));
  out.key("volume");
  if (s.total_parking_time.empty()) {
    out.raw(s.total_time.empty() ? std::string_view("0") : s.total_time);
  } else {
    const double t = sessions::to_double(s.total_time) - sessions::to_double(s.total_parking_time);
    out.number(t > 0 ? t : 0);
  }
  out.end_object();
  out.end_array();
  out.end_object();
  out.end_array();
  w.lost(loss_kind::warning, "charging_periods",
         "no charging period left: one built from start_date_time, total_energy and total_time (3.5.5)");
}

}  // namespace ocpi::mappings::cdrs
