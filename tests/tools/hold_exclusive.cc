// hold-exclusive PATH SECONDS: opens a block device O_EXCL and keeps it open,
// as a filesystem or another exclusive user would. Prints "held" once open.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: hold-exclusive PATH SECONDS\n");
    return 3;
  }
  const int fd = ::open(argv[1], O_RDONLY | O_EXCL | O_CLOEXEC);
  if (fd < 0) {
    std::perror(argv[1]);
    return 1;
  }
  std::printf("held\n");
  std::fflush(stdout);
  ::sleep(static_cast<unsigned>(std::atoi(argv[2])));
  ::close(fd);
  return 0;
}
