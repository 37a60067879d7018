// Writes a small seed corpus for store_reader_fuzz: valid stores of a few
// shapes, each small enough for libFuzzer's -max_len.
#include <string>

#include "tests/support/store_builder.h"
#include "tests/support/temp_dir.h"

int main(int argc, char** argv) {
  using lvmrevert::testing::StoreBuilder;
  using lvmrevert::testing::WriteFile;
  if (argc != 2) return 3;
  const std::string dir = argv[1];

  WriteFile(dir + "/empty", StoreBuilder(8).Build());
  StoreBuilder three(8);
  three.Add(10).Add(3).Add(7);
  WriteFile(dir + "/three", three.Build());
  StoreBuilder run(8);
  for (uint64_t c = 100; c < 108; ++c) run.Add(c);
  WriteFile(dir + "/run", run.Build());
  StoreBuilder big(16);
  big.Add(1).Add(2).Add(1000);
  WriteFile(dir + "/chunk16", big.Build());
  return 0;
}
