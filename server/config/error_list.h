#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "server/config/yaml_mark.h"

// Collects every problem found in one config load, so a broken file is fixed in one round trip
// instead of one error per `assignd --check`.
namespace assignd::config {

class ErrorList {
 public:
  explicit ErrorList(std::string_view path) : path_(path) {}

  // "path:line:column: message", with the 0-based mark shown 1-based. A null mark gives
  // "path: message".
  void Add(const yaml::Mark& mark, std::string_view message);
  // `message` exactly as given, for problems outside the file (BLEND_WEIGHTS_OVERRIDES).
  void AddUnlocated(std::string_view message);

  bool empty() const { return errors_.empty(); }
  const std::string& path() const { return path_; }

  // OK if empty; otherwise InvalidArgument with one error per line, in file order, then
  // the unlocated ones in the order they were added.
  absl::Status ToStatus() const;

 private:
  struct Error {
    int pos;  // byte offset in the file; errors without one sort last
    std::string text;
  };
  std::string path_;
  std::vector<Error> errors_;
};

// `text` in single quotes for a message, escaped so that it cannot break the one-error-per-line
// format, and shortened when long.
std::string Quoted(std::string_view text);

}  // namespace assignd::config
