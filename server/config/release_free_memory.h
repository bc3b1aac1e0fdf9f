#pragma once

namespace assignd::config {

// Hands the allocator's free pages back to the OS. glibc keeps freed memory mapped, and after a
// large config is parsed or replaced that is tens of MiB: the tree of the parse, then the old
// snapshot. No-op where the C library has no malloc_trim.
void ReleaseFreeMemory();

}  // namespace assignd::config
