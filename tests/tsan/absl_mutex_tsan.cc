// ThreadSanitizer builds only: makes absl::Mutex visible to TSan.
//
// Debian's abseil is not built with -fsanitize=thread, so TSan cannot see the synchronisation
// inside absl::Mutex and reports every pair of accesses guarded by one as a data race. This file
// interposes the Mutex entry points (an executable's definitions win over the shared library's),
// forwards to abseil's own implementation via dlsym(RTLD_NEXT), and tells TSan about the
// happens-before edge: release before unlocking, acquire after locking. Reader locks are treated
// like writer locks (a stronger ordering than TSan would otherwise assume, never a weaker one).
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/base/options.h"
#include "absl/synchronization/mutex.h"

namespace {

#define ASSIGND_STR2(x) #x
#define ASSIGND_STR(x) ASSIGND_STR2(x)

// The mangled name of absl::<inline namespace>::Mutex::<method>(), e.g.
// _ZN4absl7debian35Mutex4LockEv.
std::string Mangled(const std::string& method, const std::string& suffix) {
  const std::string ns = ASSIGND_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  return "_ZN4absl" + std::to_string(ns.size()) + ns + "5Mutex" + std::to_string(method.size()) +
         method + suffix;
}

template <typename Fn>
Fn Real(const std::string& method) {
  void* symbol = dlsym(RTLD_NEXT, Mangled(method, "Ev").c_str());
  if (symbol == nullptr) {
    std::fprintf(stderr, "absl_mutex_tsan: cannot find absl::Mutex::%s\n", method.c_str());
    std::abort();
  }
  return reinterpret_cast<Fn>(symbol);
}

using VoidMethod = void (*)(absl::Mutex*);
using BoolMethod = bool (*)(absl::Mutex*);

}  // namespace

void absl::Mutex::Lock() {
  static const VoidMethod real = Real<VoidMethod>("Lock");
  real(this);
  __tsan_acquire(this);
}

void absl::Mutex::Unlock() {
  static const VoidMethod real = Real<VoidMethod>("Unlock");
  __tsan_release(this);
  real(this);
}

bool absl::Mutex::TryLock() {
  static const BoolMethod real = Real<BoolMethod>("TryLock");
  const bool locked = real(this);
  if (locked) __tsan_acquire(this);
  return locked;
}

void absl::Mutex::ReaderLock() {
  static const VoidMethod real = Real<VoidMethod>("ReaderLock");
  real(this);
  __tsan_acquire(this);
}

void absl::Mutex::ReaderUnlock() {
  static const VoidMethod real = Real<VoidMethod>("ReaderUnlock");
  __tsan_release(this);
  real(this);
}
