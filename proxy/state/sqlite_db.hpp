#pragma once
// A thin RAII layer over the SQLite C API for sqlite_store: one connection, prepared statements
// kept by their SQL text, every failure a std::runtime_error naming the file.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace ocpi::proxy {

class sqlite_db;

class sqlite_statement {
 public:
  sqlite_statement(sqlite_db& db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~sqlite_statement();
  sqlite_statement(const sqlite_statement&) = delete;
  sqlite_statement& operator=(const sqlite_statement&) = delete;

  sqlite_statement& bind(int index, std::string_view text);  // 1-based, as SQLite counts
  sqlite_statement& bind(int index, std::int64_t value);
  bool step();  // true: a row is ready; false: done, and the statement is reset for reuse
  void run();   // steps to the end
  std::string text(int column) const;  // 0-based
  std::int64_t integer(int column) const;
  void reset();

 private:
  sqlite_db& db_;
  sqlite3_stmt* stmt_;
};

class sqlite_db {
 public:
  explicit sqlite_db(std::string path);  // opens read-write, creating the file (mode 0600)
  ~sqlite_db();
  sqlite_db(const sqlite_db&) = delete;
  sqlite_db& operator=(const sqlite_db&) = delete;

  void exec(const char* sql);                  // statements without results
  std::string query_text(const char* sql);     // first column of the first row ("" if none)
  sqlite_statement& prepare(const char* sql);  // kept for reuse; returned reset and unbound
  [[noreturn]] void fail(std::string_view what) const;  // "<path>: <what>: <sqlite message>"
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  std::map<std::string, std::unique_ptr<sqlite_statement>, std::less<>> statements_;
};

}  // namespace ocpi::proxy
