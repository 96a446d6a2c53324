#pragma once
// Where the key that seals the state store's tokens comes from (issue 12, token_seal.hpp): the
// environment (container secrets) or a key file kept outside the data dir, so that a copy or a
// backup of the data dir alone reveals no token.
//
// Key file: text, mode 0600; '#' lines are comments; every other line is one key, base64 of 32
// bytes. The first key seals; the ones after it only open, and exist only while a rotation
// re-seals (the bridge drops them once the re-sealed rows are committed).
#include <string>
#include <vector>

#include "proxy/state/token_seal.hpp"

namespace ocpi::proxy {

inline constexpr const char* state_key_env = "OCPI_BRIDGE_STATE_KEY";
inline constexpr const char* previous_state_key_env = "OCPI_BRIDGE_STATE_KEY_PREVIOUS";

struct state_keys {
  std::vector<state_key> keys;  // [0] seals
  std::string file;             // the key file; empty when the environment gave the keys
  std::string origin;           // for messages: the key file's path or the variable's name
};

// `<data_dir>.key`: the data dir's own path with ".key" appended, a sibling of the directory.
std::string default_key_file(const std::string& data_dir);

// `key_file` is [state] key_file ("" = the default). A non-empty `env_key` (base64 of 32 bytes)
// wins over any file, `env_previous` adds an older key that still opens. Otherwise the key file is
// read, or created with a fresh key when missing. Throws std::runtime_error with the reason: a key
// of the wrong size, a key file readable or writable by group/others, a key file inside data_dir.
state_keys load_state_keys(const std::string& key_file, const std::string& data_dir, const char* env_key,
                           const char* env_previous);
state_keys load_state_keys(const std::string& key_file, const std::string& data_dir);  // from getenv

std::vector<state_key> read_key_file(const std::string& path);
// Writes a temporary file (O_CREAT|O_EXCL, then fchmod 0600 whatever the umask), fsyncs it and
// renames it over `path` (or links it, when `replace` is false, so that an existing key is never
// overwritten), then fsyncs the directory: `path` holds either the old or the new content.
void write_key_file(const std::string& path, const std::vector<state_key>& keys, bool replace = true);

}  // namespace ocpi::proxy
