#pragma once

#include <cstdint>

// Counts heap allocations made through operator new in this process. Linking alloc_counter.cc
// replaces the global operator new/delete (all forms) with counting wrappers around malloc/free,
// so benchmarks can report allocations per operation.
namespace assignd::bench {

// Allocations (operator new calls of any form) since the process started.
uint64_t AllocationCount();

}  // namespace assignd::bench
