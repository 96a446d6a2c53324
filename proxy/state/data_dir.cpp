#include "proxy/state/data_dir.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <sys/file.h>
#include <unistd.h>

namespace ocpi::proxy {

data_dir_lock::data_dir_lock(std::string dir) : dir_(std::move(dir)) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::create_directories(dir_, ec)) fs::permissions(dir_, fs::perms::owner_all, ec);  // it holds tokens
  if (ec) throw std::runtime_error("data dir " + dir_ + ": cannot create: " + ec.message());
  const std::string path = file("bridge.lock");
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::runtime_error("data dir " + dir_ + ": cannot open " + path + ": " + std::strerror(errno));
  // flock, not fcntl: an fcntl lock belongs to the process (a second one from the same process
  // succeeds, any close() of the file drops it); a flock belongs to this open file description.
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK)
      throw std::runtime_error("data dir " + dir_ + " is in use by another ocpi-bridge (" + path + " is locked)");
    throw std::runtime_error("data dir " + dir_ + ": cannot lock " + path + ": " + std::strerror(err));
  }
  // For the operator wondering who holds it; the lock, not the content, is what counts.
  const std::string pid = std::to_string(::getpid()) + "\n";
  [[maybe_unused]] const bool noted =
      ::ftruncate(fd_, 0) == 0 && ::write(fd_, pid.data(), pid.size()) == static_cast<ssize_t>(pid.size());
}

data_dir_lock::~data_dir_lock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

}  // namespace ocpi::proxy
