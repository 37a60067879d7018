#!/usr/bin/env bash
# The real-LVM suite, run inside the guest (one boot for every scenario):
#
#   tests/vm/run-in-vm.sh --disk 1G -- bash tests/vm/suite.sh BUILD_DIR [SCENARIO...]
#
# Each scenario in tests/vm/scenarios/ is a bash script using guest-lib.sh
# that builds its own VG on /dev/vda and removes it. The suite fails if any
# scenario fails.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "$1" && pwd)
shift
export LVM_REVERT=$build/lvmext/lvm-revert
export MKSTORE=$build/tests/lvm-revert-mkstore
[[ -x $LVM_REVERT ]] || { echo "suite: $LVM_REVERT is not built" >&2; exit 2; }

if [[ $# -gt 0 ]]; then
  scenarios=("$@")
else
  scenarios=()
  for f in "$here"/scenarios/*.sh; do scenarios+=("$(basename "$f" .sh)"); done
fi

failed=()
for s in "${scenarios[@]}"; do
  echo "=== scenario $s"
  start=$(date +%s)
  if bash "$here/scenarios/$s.sh"; then
    echo "=== scenario $s: PASS ($(($(date +%s) - start))s guest time)"
  else
    echo "=== scenario $s: FAIL"
    failed+=("$s")
  fi
  # Whatever a scenario left behind must not leak into the next one.
  for vg in $(vgs --noheadings -o vg_name 2>/dev/null); do
    vgchange -an "$vg" >/dev/null 2>&1 || true
    vgremove -ff -y "$vg" >/dev/null 2>&1 || true
  done
  dmsetup remove_all >/dev/null 2>&1 || true
done

if ((${#failed[@]} > 0)); then
  echo "suite: FAILED: ${failed[*]}"
  exit 1
fi
echo "suite: all ${#scenarios[@]} scenarios passed"
