// Where the state key comes from (issue 12): a key file outside the data dir, created 0600 on
// first start whatever the umask, refused when others may read it or it holds no proper key; the
// environment wins over it.
#include "proxy/state/state_key_file.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "proxy/pipeline/token_codec.hpp"
#include "support/temp_dir.hpp"

using namespace ocpi::proxy;
using ocpi::test::temp_dir;

namespace {

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::string load_error(const std::string& key_file, const std::string& data_dir, const char* env = nullptr,
                       const char* previous = nullptr) {
  try {
    load_state_keys(key_file, data_dir, env, previous);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(loaded)";
}

std::string b64(const state_key& k) {
  return base64_encode(std::string(reinterpret_cast<const char*>(k.data()), k.size()));
}

void write_text(const std::string& path, const std::string& text, unsigned mode) {
  std::ofstream(path) << text;
  std::filesystem::permissions(path, static_cast<std::filesystem::perms>(mode));
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("state key: the default key file is the data dir's sibling, not inside it") {
  CHECK(default_key_file("/srv/bridge/var") == "/srv/bridge/var.key");
  CHECK(default_key_file("/srv/bridge/var/") == "/srv/bridge/var.key");
  CHECK(default_key_file("var") == (std::filesystem::current_path() / "var.key").string());
}

TEST_CASE("state key: created 0600 on first start whatever the umask, the same key afterwards") {
  temp_dir dir;
  const std::string data = dir.file("var");
  std::filesystem::create_directory(data);
  const mode_t old_umask = ::umask(0);  // a umask that would leave 0666 files world-readable
  const auto first = load_state_keys("", data, nullptr, nullptr);
  ::umask(old_umask);
  REQUIRE(first.keys.size() == 1);
  CHECK(first.file == dir.file("var.key"));
  CHECK(mode_of(first.file) == 0600);
  CHECK_FALSE(std::filesystem::exists(first.file + ".tmp"));
  const auto again = load_state_keys("", data, nullptr, nullptr);
  CHECK(again.keys == first.keys);
  // A key file from the configuration is created the same way.
  const auto configured = load_state_keys(dir.file("elsewhere.key"), data, nullptr, nullptr);
  CHECK(mode_of(dir.file("elsewhere.key")) == 0600);
  CHECK(configured.keys != first.keys);
}

TEST_CASE("state key: a key file others may read, or without a proper key, is a start-up error") {
  temp_dir dir;
  const std::string data = dir.file("var");
  const std::string key = dir.file("var.key");
  const std::string good = b64(token_seal::new_key()) + "\n";
  SUBCASE("group-readable") {
    write_text(key, good, 0640);
    const auto e = load_error("", data);
    CHECK(contains(e, key));
    CHECK(contains(e, "mode 0640"));
    CHECK(contains(e, "chmod 600"));
  }
  SUBCASE("world-readable") {
    write_text(key, good, 0604);
    CHECK(contains(load_error("", data), "group/others"));
  }
  SUBCASE("a key of 16 bytes") {
    write_text(key, base64_encode(std::string(16, 'k')) + "\n", 0600);
    CHECK(contains(load_error("", data), "line 1: expected base64 of 32 bytes"));
  }
  SUBCASE("not base64") {
    write_text(key, "# comment\nnot a key at all!\n", 0600);
    CHECK(contains(load_error("", data), "line 2: expected base64 of 32 bytes"));
  }
  SUBCASE("empty") {
    write_text(key, "", 0600);
    CHECK(contains(load_error("", data), "holds no key"));
  }
  SUBCASE("inside the data dir") {
    std::filesystem::create_directory(data);
    const auto e = load_error(data + "/../var/state.key", data);
    CHECK(contains(e, "inside the data dir"));
    CHECK_FALSE(std::filesystem::exists(data + "/state.key"));
  }
}

TEST_CASE("state key: the environment wins over the key file") {
  temp_dir dir;
  const std::string data = dir.file("var");
  const auto k = token_seal::new_key();
  const auto old = token_seal::new_key();
  const auto from_env = load_state_keys("", data, b64(k).c_str(), b64(old).c_str());
  REQUIRE(from_env.keys.size() == 2);
  CHECK(from_env.keys[0] == k);
  CHECK(from_env.keys[1] == old);
  CHECK(from_env.file.empty());
  CHECK(from_env.origin == state_key_env);
  CHECK_FALSE(std::filesystem::exists(dir.file("var.key")));  // nothing written beside the data dir
  CHECK(contains(load_error("", data, "c2hvcnQ="), "OCPI_BRIDGE_STATE_KEY: expected base64 of 32 bytes"));
  CHECK(contains(load_error("", data, nullptr, b64(old).c_str()), "OCPI_BRIDGE_STATE_KEY_PREVIOUS is set without"));
}

TEST_CASE("state key: the key file is replaced whole, and only by a rename") {
  temp_dir dir;
  const std::string key = dir.file("var.key");
  const auto a = token_seal::new_key();
  const auto b = token_seal::new_key();
  write_key_file(key, {a}, false);
  CHECK_THROWS_AS(write_key_file(key, {b}, false), std::runtime_error);  // creation never overwrites
  CHECK(read_key_file(key) == std::vector<state_key>{a});
  write_key_file(key, {b, a});
  CHECK(read_key_file(key) == std::vector<state_key>{b, a});
  CHECK(mode_of(key) == 0600);
  std::ifstream in(key);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(contains(text.str(), "# ocpi-bridge state key"));
}
