#include "proxy/cli/admin_token.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "proxy/router/peers.hpp"

namespace ocpi::proxy::cli {

std::string admin_token_path(const std::string& data_dir) { return (std::filesystem::path(data_dir) / "admin.token").string(); }

std::string read_admin_token(const std::string& data_dir) {
  const auto path = admin_token_path(data_dir);
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read the admin token (has the bridge run with this data_dir?)");
  std::string token;
  std::getline(in, token);
  if (token.empty()) throw std::runtime_error(path + ": empty admin token");
  return token;
}

std::string load_or_create_admin_token(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) throw std::runtime_error(data_dir + ": cannot create the data directory: " + ec.message());
  const auto path = admin_token_path(data_dir);
  if (std::filesystem::exists(path)) return read_admin_token(data_dir);
  // O_EXCL: never overwrite a token another process just wrote; 0600 from the first byte.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return read_admin_token(data_dir);
    throw std::runtime_error(path + ": cannot create the admin token: " + std::strerror(errno));
  }
  const std::string token = new_credentials_token();
  const std::string line = token + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) throw std::runtime_error(path + ": cannot write the admin token");
  return token;
}

}  // namespace ocpi::proxy::cli
