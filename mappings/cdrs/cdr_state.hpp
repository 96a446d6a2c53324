#pragma once
// What one CDR translation remembers between its rows and its end hook: more than the eight
// object_state slots hold. It lives on the entry function's stack; the hooks reach it through a
// thread-local pointer the entry sets (CDRs never nest, and a thread runs one translation at a
// time). Views point into the input and stay valid for the whole translation.
#include "engine/walk.hpp"

namespace ocpi::mappings::cdrs {

struct cdr_state {
  std::string_view country_code, party_id, last_updated;  // down: peeked owner, CDR last_updated
  std::string_view auth_id, auth_method, authorization;   // up: resolved by the end hook
  std::string_view start, total_energy, total_time, total_parking_time;  // replacement period
  std::string_view remark, credit_reference;              // down: credit CDR remark (3.5.9)
  bool credit = false;
  bool periods_empty = false;
};

cdr_state& state(object_state& st);

class scoped_state {
 public:
  explicit scoped_state(cdr_state& s);
  ~scoped_state();
  scoped_state(const scoped_state&) = delete;
  scoped_state& operator=(const scoped_state&) = delete;

 private:
  cdr_state* previous_;
};

// §3.5.5: a CDR left without periods gets one {start, [ENERGY total_energy, TIME total_time -
// total_parking_time (>= 0)]} and a warning.
void write_replacement_period(walk& w, const cdr_state& s);

}  // namespace ocpi::mappings::cdrs
