#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/error_list.h"
#include "server/config/yaml_mark.h"

// A read-only YAML document tree built from libyaml's event parser. yaml-cpp's scanner needed
// ~0.9 s for a 10,000-experiment file; libyaml parses it in well under 0.1 s (docs/PERFORMANCE.md).
// The tree keeps what the config readers need: node kinds, scalar text, whether a scalar was
// plain, quoted or explicitly tagged, and every node's position. Aliases resolve to their anchor's
// node. Nodes live in one flat vector, so building and freeing the tree is a handful of
// allocations and nothing recurses, whatever the nesting depth.
namespace assignd::config::yaml {

enum class NodeType : uint8_t { kNull, kScalar, kSequence, kMap };

class Tree;
class ChildIterator;
class EntryIterator;
template <typename Iterator>
class Range;

// A handle to one node of a Tree (which must outlive it). Cheap to copy.
class Node {
 public:
  NodeType Type() const;
  bool IsNull() const { return Type() == NodeType::kNull; }
  bool IsScalar() const { return Type() == NodeType::kScalar; }
  bool IsSequence() const { return Type() == NodeType::kSequence; }
  bool IsMap() const { return Type() == NodeType::kMap; }

  // A scalar's text (empty for other nodes).
  std::string_view Scalar() const;
  // As yaml-cpp reports it: "?" for a plain scalar without a tag, "!" for a quoted one, else the
  // resolved tag ("tag:yaml.org,2002:str" for `!!str`).
  std::string_view Tag() const;
  const Mark& GetMark() const;
  // Items of a sequence, key/value pairs of a map, 0 for anything else.
  size_t size() const;

  // A sequence's items (empty for anything else).
  Range<ChildIterator> SequenceItems() const;
  // A map's key/value pairs in file order, duplicates included (empty for anything else).
  Range<EntryIterator> MapEntries() const;

 private:
  friend class Tree;
  friend class ChildIterator;
  // `slot` is where the node appears; an alias slot stands for its anchor's node.
  Node(const Tree* tree, uint32_t slot);
  const Tree* tree_;
  uint32_t index_;  // the resolved node
};

// Forward iteration over the children of a sequence (each item) or a map (keys and values
// alternating).
class ChildIterator {
 public:
  Node operator*() const { return Node(tree_, slot_); }
  ChildIterator& operator++();
  bool operator!=(const ChildIterator& other) const { return slot_ != other.slot_; }

 private:
  friend class Node;
  ChildIterator(const Tree* tree, uint32_t slot) : tree_(tree), slot_(slot) {}
  const Tree* tree_;
  uint32_t slot_;
};

struct Entry {
  Node first;   // the key
  Node second;  // the value
};

class EntryIterator {
 public:
  explicit EntryIterator(ChildIterator key) : key_(key) {}
  Entry operator*() const;
  EntryIterator& operator++();
  bool operator!=(const EntryIterator& other) const { return key_ != other.key_; }

 private:
  ChildIterator key_;
};

// [first, last), for range-for.
template <typename Iterator>
class Range {
 public:
  Range(Iterator first, Iterator last) : first_(first), last_(last) {}
  Iterator begin() const { return first_; }
  Iterator end() const { return last_; }

 private:
  Iterator first_, last_;
};

// One parsed YAML document.
class Tree {
 public:
  // Parses `text`, which must hold at most one document. A syntax error, an undefined alias or a
  // second document is reported to `errors` at its position, and gives nullopt. An empty text
  // (or only comments) gives a tree whose root is null.
  static std::optional<Tree> Parse(std::string_view text, ErrorList& errors);

  Node root() const { return Node(this, root_); }

 private:
  friend class Node;
  friend class TreeBuilder;
  friend class ChildIterator;
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Slot {
    NodeType type = NodeType::kNull;
    uint8_t tag_kind = 0;  // 0 "?", 1 "!", 2 explicit: tags_[tag_index]
    Mark mark;
    uint32_t target = kNone;  // the node this slot shows: itself, or an alias's anchor
    uint32_t scalar_offset = 0, scalar_size = 0;  // in scalars_
    uint32_t tag_index = 0;
    uint32_t first_child = kNone, next_sibling = kNone;
    uint32_t children = 0;
  };
  std::vector<Slot> slots_;
  std::string scalars_;
  std::vector<std::string> tags_;
  uint32_t root_ = kNone;
};

}  // namespace assignd::config::yaml
