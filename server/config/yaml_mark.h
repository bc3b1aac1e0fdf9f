#pragma once

namespace assignd::config::yaml {

// A position in a YAML text, 0-based (shown 1-based in messages). `pos` is a character index,
// only used to order messages; a default Mark is null (no position).
struct Mark {
  int pos = -1;
  int line = -1;
  int column = -1;

  bool is_null() const { return pos < 0; }
};

}  // namespace assignd::config::yaml
