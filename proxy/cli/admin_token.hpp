#pragma once
// The admin API's secret: <data_dir>/admin.token, created (mode 0600) at the bridge's first start
// and read by `ocpi-bridge admin`. Whoever can read the data directory may administer the bridge;
// nobody else, even on the same machine.
#include <string>

namespace ocpi::proxy::cli {

std::string admin_token_path(const std::string& data_dir);
// Reads the token, creating the directory and the file when missing. Throws std::runtime_error
// naming the file on I/O errors.
std::string load_or_create_admin_token(const std::string& data_dir);
// Reads an existing token; throws with a hint when the bridge never ran with this data_dir.
std::string read_admin_token(const std::string& data_dir);

}  // namespace ocpi::proxy::cli
