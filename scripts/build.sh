#!/usr/bin/env bash
# Configures and builds lvm-revert in ./build (warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLVMREVERT_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
