#pragma once
// Tables the Sessions/CDRs/Tariffs flows keep besides the shared caches of shared_state:
// the CDR `Location` URLs handed out (MAPPING §3.5.7, §5.2), the per-eMSP Tariff variants
// (§3.6.7, §5.3) and what each legacy eMSP was sent, and the CPO-side Tariff deletions (§3.6.6).
// Served from memory under one mutex never held across I/O; once attach()ed to the shared_state,
// every change is also written through to the persistent store (as opaque flow_rows), so a
// restart keeps the CDR URLs handed out and what each legacy eMSP was sent (MAPPING §5).
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ocpi/options.hpp"
#include "proxy/state/records.hpp"

namespace ocpi::proxy {

// One Tariff description of (owner, id) as IOP sent it (2.2.1). Gireve lets a CPO target one
// eMSP with `target_operator_*`; `target` is that operator as "CC*PID" (upper case), empty for
// the default variant.
struct tariff_variant {
  std::string target;
  std::string json_221;
};

// "CC*PID" upper-cased, the form `tariff_variant::target` uses.
std::string operator_key(const party& p);

class shared_state;

class flow_tables {
 public:
  // A CDR URL of the other side, behind an opaque bridge URL (§3.5.7).
  struct cdr_link {
    std::string url;               // where the CDR really is (IOP's or the legacy eMSP's URL)
    std::string legacy;            // the legacy connection the CDR went through (connection_key)
    bool at_iop = true;            // D1 (IOP's URL, GET by the legacy CPO) or D4 (legacy URL, GET by IOP)
    party owner;                   // the CDR's owner (CPO)
    std::string owner_id;          // the CDR id its owner gave
    // D1 while IOP's URL is not known (`url` empty): the store-and-forward entry carrying the CDR
    // (0: none pending), and the CDR as the legacy CPO sent it, which a GET is answered from.
    std::int64_t queued_seq = 0;
    std::string copy;
  };

  // `max_cdr_links`: the oldest links are forgotten beyond it (memory and disk bound).
  explicit flow_tables(std::size_t max_cdr_links = 100000) : max_cdr_links_(max_cdr_links) {}

  // Loads what `state`'s store held and writes every later change through to it. Call once,
  // before serving, after state.attach(); without it the tables live in memory only.
  void attach(shared_state& state);

  std::string add_cdr_link(cdr_link link);  // returns the opaque id (128-bit random, §1.2.3)
  std::optional<cdr_link> cdr_link_of(std::string_view opaque) const;
  // The queued CDR of entry `seq` reached IOP: from now on its link leads to `iop_url` (IOP's
  // Location header), or, when IOP gave none, keeps serving the copy. No link waiting: nothing.
  void cdr_delivered(std::int64_t seq, std::string_view iop_url);

  // Every variant IOP sent for (owner, id), replacing the one with the same target.
  void put_tariff_variant(const party& owner, std::string_view id, tariff_variant v);
  std::vector<tariff_variant> tariff_variants(const party& owner, std::string_view id) const;
  void erase_tariff_variants(const party& owner, std::string_view id);

  // The 2.1.1 Tariff last delivered to a legacy eMSP for (owner, id) (F6 "forward only if the
  // effective variant changed", DELETE "only if the legacy eMSP had received that tariff").
  std::optional<std::string> tariff_sent(const party& emsp, const party& owner, std::string_view id) const;
  void set_tariff_sent(const party& emsp, const party& owner, std::string_view id, std::string body_211);
  void erase_tariff_sent(const party& emsp, const party& owner, std::string_view id);

  // A legacy CPO's Tariff deleted at IOP (F3): the cached copy is no PATCH base any more.
  void set_tariff_deleted(const party& owner, std::string_view id, bool deleted);
  bool tariff_deleted(const party& owner, std::string_view id) const;

 private:
  void restore(const flow_row& row);  // caller holds mutex_
  void forget_oldest_cdr_link(bool persisted);  // mutex_ held; `persisted`: erase its row too
  void persist(std::string_view table, const std::string& key, std::optional<std::string> value);  // mutex_ held

  mutable std::mutex mutex_;
  shared_state* state_ = nullptr;  // null: memory only
  std::size_t max_cdr_links_;
  std::map<std::string, cdr_link, std::less<>> cdr_links_;
  std::deque<std::string> cdr_link_order_;
  std::map<std::int64_t, std::string> queued_cdr_links_;  // queued_seq -> opaque
  std::map<std::string, std::vector<tariff_variant>, std::less<>> variants_;
  std::map<std::string, std::string, std::less<>> sent_;
  std::set<std::string, std::less<>> deleted_;
};

}  // namespace ocpi::proxy
