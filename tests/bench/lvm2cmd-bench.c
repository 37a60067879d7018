// Times N lvm2_run calls of one command line in one process (liblvm2cmd), for
// tests/bench/vm-lvm-commands.sh. Not part of the build (liblvm2cmd is not one of
// lvm-revert's dependencies): gcc -O2 lvm2cmd-bench.c -o lvm2cmd-bench -llvm2cmd
// (liblvm2-dev). Usage: lvm2cmd-bench N "lvs ..."
#include <lvm2cmd.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static size_t out_bytes;
static void log_fn(int level, const char *file, int line, int dm_errno, const char *msg) { (void)level; (void)file; (void)line; (void)dm_errno; out_bytes += 1; (void)msg; }
int main(int argc, char **argv) {
  int n = atoi(argv[1]);
  double t0 = now();
  lvm2_log_fn(log_fn);
  void *h = lvm2_init();
  double t1 = now();
  printf("lvm2_init %.3f s\n", t1 - t0);
  for (int i = 0; i < n; ++i) {
    double a = now();
    int rc = lvm2_run(h, argv[2]);
    printf("lvm2_run rc=%d %.3f s (%zu log lines)\n", rc, now() - a, out_bytes);
  }
  lvm2_exit(h);
  return 0;
}
