// ocpi::loss_report: losses recorded as offsets into one text buffer, built into `loss` objects
// only when read.
#include "ocpi/mapping.hpp"

namespace ocpi {

void loss_report::push_back(const loss& l) {
  const std::size_t path_begin = text_.size();
  text_.append(l.path);
  const std::size_t reason_begin = text_.size();
  text_.append(l.reason);
  add(path_begin, reason_begin, l.kind);
}

void loss_report::add(std::size_t path_begin, std::size_t reason_begin, loss_kind k) {
  entries_.push_back({path_begin, reason_begin, text_.size(), k});
}

const std::vector<loss>& loss_report::materialized() const {
  if (built_.size() == entries_.size()) return built_;
  built_.reserve(entries_.size());
  const std::string_view all = text_;
  for (std::size_t i = built_.size(); i < entries_.size(); ++i) {
    const entry& e = entries_[i];
    built_.push_back({std::string(all.substr(e.path_begin, e.reason_begin - e.path_begin)), e.kind,
                      std::string(all.substr(e.reason_begin, e.reason_end - e.reason_begin))});
  }
  return built_;
}

}  // namespace ocpi
