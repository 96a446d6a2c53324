#include "proxy/state/state_key_file.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "proxy/pipeline/token_codec.hpp"

namespace ocpi::proxy {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t max_key_file_size = 64 * 1024;  // a handful of keys; anything larger is not one

std::runtime_error failure(const std::string& what) { return std::runtime_error("state key: " + what); }

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::optional<state_key> decode_key(const std::string& text) {
  auto raw = base64_decode(trim(text));
  if (!raw || raw->size() != state_key{}.size()) return std::nullopt;
  state_key k{};
  std::memcpy(k.data(), raw->data(), k.size());
  OPENSSL_cleanse(raw->data(), raw->size());
  return k;
}

state_key env_key(const char* name, const char* value) {
  auto k = decode_key(value);
  if (!k) throw failure(std::string(name) + ": expected base64 of 32 bytes");
  return *k;
}

// Compares what the paths resolve to, so that "var/../var/k" or a symlinked data dir cannot slip by.
bool inside(const fs::path& file, const fs::path& dir) {
  std::error_code ec;
  const auto f = fs::weakly_canonical(fs::absolute(file, ec), ec);
  const auto d = fs::weakly_canonical(fs::absolute(dir, ec), ec);
  return std::mismatch(d.begin(), d.end(), f.begin(), f.end()).first == d.end();
}

void fsync_directory_of(const std::string& path) {
  const auto dir = fs::absolute(path).parent_path();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw failure("cannot open " + dir.string() + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw failure("cannot fsync " + dir.string() + ": " + std::strerror(err));
}

}  // namespace

std::string default_key_file(const std::string& data_dir) {
  auto p = fs::absolute(data_dir).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();  // "var/" -> "var"
  return p.string() + ".key";
}

std::vector<state_key> read_key_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw failure("cannot open key file " + path + ": " + std::strerror(errno));
  struct stat st {};
  std::string text;
  std::string why;
  if (::fstat(fd, &st) != 0)
    why = std::string("cannot stat: ") + std::strerror(errno);
  else if (!S_ISREG(st.st_mode))
    why = "not a regular file";
  else if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    why = std::string("readable or writable by group/others (mode ") + mode + "); chmod 600 " + path;
  } else if (static_cast<std::size_t>(st.st_size) > max_key_file_size)
    why = "too large for a key file";
  else {
    text.resize(static_cast<std::size_t>(st.st_size));
    if (::read(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) why = "cannot read it whole";
  }
  ::close(fd);
  if (!why.empty()) throw failure("key file " + path + ": " + why);
  std::vector<state_key> keys;
  std::size_t line_no = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const auto end = std::min(text.find('\n', pos), text.size());
    const std::string line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    auto k = decode_key(line);
    if (!k) {
      OPENSSL_cleanse(text.data(), text.size());
      throw failure("key file " + path + ": line " + std::to_string(line_no) + ": expected base64 of 32 bytes");
    }
    keys.push_back(*k);
  }
  OPENSSL_cleanse(text.data(), text.size());
  if (keys.empty()) throw failure("key file " + path + " holds no key (base64 of 32 bytes)");
  return keys;
}

void write_key_file(const std::string& path, const std::vector<state_key>& keys, bool replace) {
  std::string text =
      "# ocpi-bridge state key: seals the tokens in the state store (AES-256-GCM). Keep it out of the\n"
      "# data dir's backups and readable by the bridge's user only. The first key seals; any other\n"
      "# key only opens, until a rotation has re-sealed every value.\n";
  for (const auto& k : keys)
    text += base64_encode(std::string_view(reinterpret_cast<const char*>(k.data()), k.size())) + "\n";
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());  // a crash's leftover: never the key file itself
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    OPENSSL_cleanse(text.data(), text.size());
    throw failure("cannot create " + tmp + ": " + std::strerror(errno));
  }
  // The umask may have taken bits from 0600 but never adds any; fchmod makes it exactly 0600.
  const bool written = ::fchmod(fd, 0600) == 0 &&
                       ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  OPENSSL_cleanse(text.data(), text.size());
  if (!written) {
    ::unlink(tmp.c_str());
    throw failure("cannot write " + tmp + ": " + std::strerror(err));
  }
  const bool placed = replace ? ::rename(tmp.c_str(), path.c_str()) == 0 : ::link(tmp.c_str(), path.c_str()) == 0;
  const int place_err = errno;
  if (!placed || !replace) ::unlink(tmp.c_str());
  if (!placed)
    throw failure("cannot " + std::string(replace ? "rename " : "link ") + tmp + " to " + path + ": " +
                  std::strerror(place_err));
  fsync_directory_of(path);
}

state_keys load_state_keys(const std::string& key_file, const std::string& data_dir, const char* env_key_value,
                           const char* env_previous) {
  state_keys out;
  if (env_key_value && *env_key_value) {
    out.origin = state_key_env;
    out.keys.push_back(env_key(state_key_env, env_key_value));
    if (env_previous && *env_previous) out.keys.push_back(env_key(previous_state_key_env, env_previous));
    return out;
  }
  if (env_previous && *env_previous)
    throw failure(std::string(previous_state_key_env) + " is set without " + state_key_env);
  out.file = key_file.empty() ? default_key_file(data_dir) : key_file;
  out.origin = out.file;
  if (inside(out.file, data_dir))
    throw failure("key file " + out.file + " is inside the data dir " + data_dir +
                  ": a copy of the data dir would carry the key; put it elsewhere ([state] key_file)");
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(out.file, ec))) {
    out.keys.push_back(token_seal::new_key());
    write_key_file(out.file, out.keys, false);
    return out;
  }
  out.keys = read_key_file(out.file);
  return out;
}

state_keys load_state_keys(const std::string& key_file, const std::string& data_dir) {
  return load_state_keys(key_file, data_dir, std::getenv(state_key_env), std::getenv(previous_state_key_env));
}

}  // namespace ocpi::proxy
