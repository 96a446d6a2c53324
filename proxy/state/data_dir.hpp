#pragma once
// The bridge's data directory (bridge.data_dir), created if missing and held with an exclusive
// lock for the life of the process: two bridges sharing one state store would each serve from
// their own memory and overwrite each other's rows.
#include <string>
#include <string_view>

namespace ocpi::proxy {

class data_dir_lock {
 public:
  // Throws std::runtime_error naming the directory when it cannot be created or is locked.
  explicit data_dir_lock(std::string dir);
  ~data_dir_lock();
  data_dir_lock(const data_dir_lock&) = delete;
  data_dir_lock& operator=(const data_dir_lock&) = delete;

  std::string file(std::string_view name) const { return dir_ + "/" + std::string(name); }

 private:
  std::string dir_;
  int fd_ = -1;
};

}  // namespace ocpi::proxy
