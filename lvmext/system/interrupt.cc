#include "lvmext/system/interrupt.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <set>
#include <string>

namespace lvmrevert::lvmext {
namespace {

volatile std::sig_atomic_t g_signal = 0;
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
struct sigaction g_previous[sizeof kSignals / sizeof kSignals[0]];

void Record(int signo) { g_signal = signo; }

}  // namespace

InterruptGuard::InterruptGuard() {
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = Record;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocking calls return EINTR
  for (size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &sa, &g_previous[i]);
}

InterruptGuard::~InterruptGuard() {
  for (size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &g_previous[i], nullptr);
}

int InterruptSignal() { return g_signal; }

Status StopIfInterrupted() {
  const int signo = InterruptSignal();
  if (signo == 0) return Status::Ok();
  return Status::Refused("interrupted by signal " + std::to_string(signo));
}

void MaybeDebugPause(const char* stage) {
  static std::set<std::string> done;
  const char* spec = std::getenv("LVM_REVERT_DEBUG_PAUSE");
  if (spec == nullptr) return;
  const std::string s(spec);
  const size_t colon = s.find(':');
  if (colon == std::string::npos || s.substr(0, colon) != stage || !done.insert(stage).second) {
    return;
  }
  const long seconds = std::strtol(s.c_str() + colon + 1, nullptr, 10);
  // Said on stderr (the console at boot), so a test can cut the power here.
  std::fprintf(stderr, "lvm-revert: debug: pausing %lds at %s\n", seconds, stage);
  std::fflush(stderr);
  struct timespec left {seconds, 0};
  while (left.tv_sec > 0 || left.tv_nsec > 0) {
    if (Interrupted() || nanosleep(&left, &left) == 0) break;
  }
}

}  // namespace lvmrevert::lvmext
