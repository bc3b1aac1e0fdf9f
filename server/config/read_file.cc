#include "server/config/read_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/core/absl_string_view.h"

namespace assignd::config {
namespace {

absl::Status ErrnoError(int error_number, const std::string& path, std::string_view doing) {
  return absl::ErrnoToStatus(error_number,
                             absl::StrCat("cannot ", AsAbsl(doing), " config file ", path));
}

// Closes the descriptor on every return path.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  // O_NONBLOCK so that opening a FIFO cannot hang; it changes nothing for regular files.
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return ErrnoError(errno, path, "open");
  struct stat info;
  if (::fstat(fd.get(), &info) != 0) return ErrnoError(errno, path, "stat");
  if (S_ISDIR(info.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat("config file ", path, " is a directory"));
  }
  if (!S_ISREG(info.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat("config file ", path, " is not a regular file"));
  }
  std::string content;
  content.reserve(static_cast<size_t>(info.st_size));
  char buffer[64 * 1024];
  while (true) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, path, "read");
    }
    content.append(buffer, static_cast<size_t>(n));
  }
  return content;
}

}  // namespace assignd::config
