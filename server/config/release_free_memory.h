#pragma once

namespace assignd::config {

// Hands the allocator's free pages back to the OS. glibc keeps freed memory mapped, and after a
// large config is parsed or replaced that is tens of MiB: the tree of the parse, then the old
// snapshot. No-op where the C library has no malloc_trim.
void ReleaseFreeMemory();

// Makes glibc return memory on its own when large blocks are freed: allocations of 1 MiB and more
// get their own mapping, and a heap whose free top exceeds 4 MiB is shrunk. glibc's defaults
// adapt upwards after a large block is freed (up to 32 MiB / 64 MiB), so after parsing a large
// config or serving a large scrape, tens of MiB stayed resident for good in threads' arenas,
// where malloc_trim cannot reach the free top. Call once, before threads start.
void LimitRetainedMemory();

}  // namespace assignd::config
