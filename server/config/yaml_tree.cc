#include "server/config/yaml_tree.h"

#include <yaml.h>

#include <algorithm>
#include <climits>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace assignd::config::yaml {
namespace {

constexpr std::string_view kNullTag = "tag:yaml.org,2002:null";
constexpr uint8_t kPlainTagKind = 0;
constexpr uint8_t kNonSpecificTagKind = 1;
constexpr uint8_t kExplicitTagKind = 2;

// Positions and indices are int/uint32_t; bigger texts are refused before parsing.
constexpr size_t kMaxTextBytes = INT_MAX / 2;
// A config nests 6 levels deep. libyaml's scanner is quadratic in the nesting depth (100,000 '['
// took 23 s), so parsing stops long before that gets noticeable.
constexpr size_t kMaxDepth = 64;

Mark ToMark(const yaml_mark_t& mark) {
  return Mark{static_cast<int>(mark.index), static_cast<int>(mark.line),
              static_cast<int>(mark.column)};
}

// libyaml's reader errors (bad UTF-8, control characters) carry a byte offset, not a mark.
Mark MarkAtOffset(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  const size_t last_newline = before.rfind('\n');
  const size_t column = last_newline == std::string_view::npos ? offset : offset - last_newline - 1;
  return Mark{static_cast<int>(offset),
              static_cast<int>(std::count(before.begin(), before.end(), '\n')),
              static_cast<int>(column)};
}

// The character at a libyaml mark (whose column counts characters, not bytes), or '\0'.
char CharAt(std::string_view text, const yaml_mark_t& mark) {
  size_t at = 0;
  for (size_t line = 0; line < mark.line; ++line) {
    at = text.find('\n', at);
    if (at == std::string_view::npos) return '\0';
    ++at;
  }
  for (size_t column = 0; column < mark.column && at < text.size(); ++column) {
    do {
      ++at;
    } while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80);
  }
  return at < text.size() ? text[at] : '\0';
}

std::string_view AsView(const yaml_char_t* text) {
  return text == nullptr ? std::string_view()
                         : std::string_view(reinterpret_cast<const char*>(text));
}

bool IsPlainNull(std::string_view text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

struct ParserDeleter {
  void operator()(yaml_parser_t* parser) const {
    yaml_parser_delete(parser);
    delete parser;
  }
};

// Owns one event; libyaml allocates its strings.
class Event {
 public:
  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  ~Event() { yaml_event_delete(&event_); }
  yaml_event_t* get() { return &event_; }
  const yaml_event_t& operator*() const { return event_; }
  const yaml_event_t* operator->() const { return &event_; }

 private:
  yaml_event_t event_{};
};

}  // namespace

// Turns libyaml's events into a Tree's slots.
class TreeBuilder {
 public:
  TreeBuilder(std::string_view text, Tree& tree, ErrorList& errors)
      : text_(text), tree_(tree), errors_(errors) {}

  // False when something was reported to errors_.
  bool Build() {
    if (text_.size() > kMaxTextBytes) {
      errors_.Add(Mark{0, 0, 0}, absl::StrCat("the file is too large (", text_.size(), " bytes)"));
      return false;
    }
    std::unique_ptr<yaml_parser_t, ParserDeleter> parser(new yaml_parser_t);
    if (yaml_parser_initialize(parser.get()) == 0) {
      errors_.Add(Mark{0, 0, 0}, "cannot start the YAML parser (out of memory)");
      return false;
    }
    yaml_parser_set_input_string(parser.get(), reinterpret_cast<const unsigned char*>(text_.data()),
                                 text_.size());
    int documents = 0;
    for (;;) {
      Event event;
      if (yaml_parser_parse(parser.get(), event.get()) == 0) {
        ReportParserError(*parser);
        return false;
      }
      switch (event->type) {
        case YAML_STREAM_END_EVENT:
          if (tree_.root_ == Tree::kNone) tree_.root_ = AddSlot(NodeType::kNull, Mark{0, 0, 0});
          return true;
        case YAML_DOCUMENT_START_EVENT:
          if (++documents > 1) {
            errors_.Add(ToMark(event->start_mark),
                        "expected a single YAML document, found another one here");
            return false;
          }
          break;
        case YAML_ALIAS_EVENT:
          if (!AddAlias(*event)) return false;
          break;
        case YAML_SCALAR_EVENT:
          AddScalar(*event);
          break;
        case YAML_SEQUENCE_START_EVENT:
          if (!Open(NodeType::kSequence, *event, event->data.sequence_start.anchor)) return false;
          break;
        case YAML_MAPPING_START_EVENT:
          if (!Open(NodeType::kMap, *event, event->data.mapping_start.anchor)) return false;
          break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
          open_.pop_back();
          break;
        case YAML_NO_EVENT:
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
          break;
      }
    }
  }

 private:
  struct OpenNode {
    uint32_t slot;
    uint32_t last_child;
  };

  uint32_t AddSlot(NodeType type, Mark mark) {
    const auto slot = static_cast<uint32_t>(tree_.slots_.size());
    Tree::Slot& added = tree_.slots_.emplace_back();
    added.type = type;
    added.mark = mark;
    added.target = slot;
    return slot;
  }

  // Links `slot` as the next child of the innermost open node, or makes it the root.
  void Attach(uint32_t slot) {
    if (open_.empty()) {
      tree_.root_ = slot;
      return;
    }
    OpenNode& parent = open_.back();
    if (parent.last_child == Tree::kNone) {
      tree_.slots_[parent.slot].first_child = slot;
    } else {
      tree_.slots_[parent.last_child].next_sibling = slot;
    }
    parent.last_child = slot;
    ++tree_.slots_[parent.slot].children;
  }

  void RememberAnchor(const yaml_char_t* anchor, uint32_t slot) {
    if (anchor != nullptr)
      anchors_[std::string(AsView(anchor))] = slot;  // a redefinition wins from here on
  }

  bool AddAlias(const yaml_event_t& event) {
    const auto anchor = anchors_.find(std::string(AsView(event.data.alias.anchor)));
    if (anchor == anchors_.end()) {
      errors_.Add(ToMark(event.start_mark), "the referenced anchor is not defined");
      return false;
    }
    const uint32_t slot = AddSlot(NodeType::kNull, ToMark(event.start_mark));
    tree_.slots_[slot].target = anchor->second;
    Attach(slot);
    return true;
  }

  void AddScalar(const yaml_event_t& event) {
    const auto& scalar = event.data.scalar;
    const std::string_view value(reinterpret_cast<const char*>(scalar.value), scalar.length);
    const std::string_view tag = AsView(scalar.tag);
    const bool plain = scalar.style == YAML_PLAIN_SCALAR_STYLE;
    const bool is_null = (tag.empty() && plain && IsPlainNull(value)) || tag == kNullTag;
    const uint32_t slot =
        AddSlot(is_null ? NodeType::kNull : NodeType::kScalar, ToMark(event.start_mark));
    Tree::Slot& added = tree_.slots_[slot];
    added.scalar_offset = static_cast<uint32_t>(tree_.scalars_.size());
    added.scalar_size = static_cast<uint32_t>(value.size());
    tree_.scalars_.append(value);
    if (tag.empty()) {
      added.tag_kind = plain ? kPlainTagKind : kNonSpecificTagKind;
    } else if (tag == "!") {
      added.tag_kind = kNonSpecificTagKind;
    } else {
      added.tag_kind = kExplicitTagKind;
      added.tag_index = static_cast<uint32_t>(tree_.tags_.size());
      tree_.tags_.emplace_back(tag);
    }
    RememberAnchor(scalar.anchor, slot);
    Attach(slot);
  }

  bool Open(NodeType type, const yaml_event_t& event, const yaml_char_t* anchor) {
    if (open_.size() >= kMaxDepth) {
      errors_.Add(ToMark(event.start_mark),
                  absl::StrCat("lists and maps nested more than ", kMaxDepth, " levels deep"));
      return false;
    }
    const uint32_t slot = AddSlot(type, ToMark(event.start_mark));
    RememberAnchor(anchor, slot);
    Attach(slot);
    open_.push_back({slot, Tree::kNone});
    return true;
  }

  void ReportParserError(const yaml_parser_t& parser) {
    if (parser.error == YAML_MEMORY_ERROR) {
      errors_.Add(Mark{0, 0, 0}, "out of memory while parsing YAML");
      return;
    }
    const std::string_view problem = parser.problem != nullptr ? parser.problem : "invalid YAML";
    if (parser.error == YAML_READER_ERROR) {
      errors_.Add(MarkAtOffset(text_, parser.problem_offset), problem);
      return;
    }
    std::string message(problem);
    if (CharAt(text_, parser.problem_mark) == '\t') {
      message += " (a tab: YAML indents with spaces only)";
    }
    if (parser.context != nullptr) {
      const Mark context = ToMark(parser.context_mark);
      absl::StrAppend(&message, " (", parser.context, " that starts at line ", context.line + 1,
                      ", column ", context.column + 1, ")");
    }
    errors_.Add(ToMark(parser.problem_mark), message);
  }

  std::string_view text_;
  Tree& tree_;
  ErrorList& errors_;
  std::vector<OpenNode> open_;
  absl::flat_hash_map<std::string, uint32_t> anchors_;
};

std::optional<Tree> Tree::Parse(std::string_view text, ErrorList& errors) {
  Tree tree;
  // Roughly one node per 8 bytes of a typical config; one reservation instead of many regrowths.
  tree.slots_.reserve(text.size() / 8 + 1);
  tree.scalars_.reserve(text.size() / 2);
  if (!TreeBuilder(text, tree, errors).Build()) return std::nullopt;
  return tree;
}

Node::Node(const Tree* tree, uint32_t slot) : tree_(tree), index_(tree->slots_[slot].target) {}

NodeType Node::Type() const { return tree_->slots_[index_].type; }

std::string_view Node::Scalar() const {
  const Tree::Slot& slot = tree_->slots_[index_];
  return std::string_view(tree_->scalars_).substr(slot.scalar_offset, slot.scalar_size);
}

std::string_view Node::Tag() const {
  const Tree::Slot& slot = tree_->slots_[index_];
  switch (slot.tag_kind) {
    case kPlainTagKind:
      return "?";
    case kNonSpecificTagKind:
      return "!";
    default:
      return tree_->tags_[slot.tag_index];
  }
}

const Mark& Node::GetMark() const { return tree_->slots_[index_].mark; }

size_t Node::size() const {
  const Tree::Slot& slot = tree_->slots_[index_];
  switch (slot.type) {
    case NodeType::kSequence:
      return slot.children;
    case NodeType::kMap:
      return slot.children / 2;
    default:
      return 0;
  }
}

ChildIterator& ChildIterator::operator++() {
  slot_ = tree_->slots_[slot_].next_sibling;
  return *this;
}

Range<ChildIterator> Node::SequenceItems() const {
  const Tree::Slot& slot = tree_->slots_[index_];
  const uint32_t first = slot.type == NodeType::kSequence ? slot.first_child : Tree::kNone;
  return Range(ChildIterator(tree_, first), ChildIterator(tree_, Tree::kNone));
}

Entry EntryIterator::operator*() const {
  ChildIterator value = key_;
  ++value;
  return Entry{*key_, *value};
}

EntryIterator& EntryIterator::operator++() {
  ++key_;
  ++key_;
  return *this;
}

Range<EntryIterator> Node::MapEntries() const {
  const Tree::Slot& slot = tree_->slots_[index_];
  const uint32_t first = slot.type == NodeType::kMap ? slot.first_child : Tree::kNone;
  return Range(EntryIterator(ChildIterator(tree_, first)),
               EntryIterator(ChildIterator(tree_, Tree::kNone)));
}

}  // namespace assignd::config::yaml
