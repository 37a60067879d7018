#!/usr/bin/env bash
# lvm-revert throughput benchmark. Not a test: it prints figures.
#
#   tests/bench/run-bench.sh [--runs N] [--dir DIR] [--quick] [--no-vm]
#
# On generated stores in the kernel's layout (tests/tools/mkstore.cc, whose
# layout the VM suite checks byte for byte against the kernel), each method
# runs on a fresh copy of the origin after dropping the page cache, the
# methods interleaved over N rounds (best and median are reported), and every
# result is compared byte for byte with the expected image. Methods:
#   lvm-revert        offline form, io_uring engine (the default)
#   lvm-revert psync  offline form, --io-engine psync
#   --verify          lvm-revert --verify: the copy, then every written range read back
#   --backup          lvm-revert --backup FILE: what the copy overwrites saved first (and fsynced)
#   buffered          pread/pwrite through the page cache, one fsync (tests/bench/buffered_revert.cc)
#   2008 dd lines     `lvm-revert --format dd` lines, each dd with oflag=direct, run by bash
#   dd sequential     dd iflag=direct oflag=direct bs=1M of the same number of bytes
#   fio copy limit    fio reading and writing the same byte counts concurrently, QD16 each
#   fio read only     the read half of it alone; fio write only: the write half alone
#                     (if copy limit ~ read + write, reads and writes share one budget)
#   fio same pattern  the copy limit job, but the writes random at the pattern's write size (the
#                     chunk, or the run for runs patterns): the device's limit for this shape
#   fio randwrite 4k  fio --rw=randwrite --bs=4k --iodepth=32 --direct=1 (4 KiB patterns)
# After each pattern's rounds, one -v run each of lvm-revert, --verify and
# --backup gives the time per phase. Then the memory bound on a 2 GiB store
# of 4 KiB chunks, the planner on a million exceptions, and (unless --no-vm)
# lvconvert --merge against lvm-revert on identical snapshots in one VM boot.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=5
dir=${BENCH_DIR:-/var/tmp/lvm-revert-bench}
quick=0
vm=1
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    --no-vm) vm=0; shift ;;
    *) echo "usage: $0 [--runs N] [--dir DIR] [--quick] [--no-vm]" >&2; exit 3 ;;
  esac
done
[[ $(id -u) == 0 ]] || { echo "run-bench: needs root (drop_caches, loop-free but /proc/sys writes)" >&2; exit 3; }

"$top/scripts/setup.sh"
build=$top/build-bench
# -O2, as distributions build it.
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target lvm-revert lvm-revert-mkstore buffered-revert >/dev/null
bin=$build/lvmext/lvm-revert
mkstore=$build/tests/lvm-revert-mkstore
buffered=$build/tests/buffered-revert
mkdir -p "$dir"
results=$dir/results.tsv
phases=$dir/phases.txt
: >"$results"
: >"$phases"

drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches; }
cached_kib() { awk '/^Cached:/ { print $2 }' /proc/meminfo; }
now() { date +%s.%N; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# dataset NAME MKSTORE-ARGS...: generated once, reused by later runs.
dataset() {
  local name=$1
  shift
  if [[ ! -f $dir/$name/done ]]; then
    mkdir -p "$dir/$name"
    echo "generating $name: mkstore $*" >&2
    "$mkstore" --out "$dir/$name" "$@" >"$dir/$name/mkstore.out"
    touch "$dir/$name/done"
  fi
}

# data_bytes NAME: bytes a revert writes (the JSON report's "bytes").
data_bytes() {
  "$bin" --dry-run --json --cow "$dir/$1/cow.img" --origin "$dir/$1/origin.img" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["bytes"])'
}

# The device is a shared virtual disk whose speed drifts over minutes, so the
# methods of a pattern are interleaved: each round runs every method once,
# and each method's best (and median) is over the rounds. Every run starts
# from a fresh copy of the origin (work.img) after dropping caches.
declare -A times rss_kib cache_mib

# run_once NAME METHOD CHECK CMD...: one wall-clock run; CHECK=1 compares
# work.img with expected.img. Keeps peak RSS and page-cache growth of the
# fastest run.
run_once() {
  local name=$1 method=$2 check=$3
  shift 3
  local d=$dir/$name t0 t1 secs cached0 cached1 key="$name|$method"
  cp "$d/origin.img" "$d/work.img"
  drop_caches
  cached0=$(cached_kib)
  t0=$(now)
  /usr/bin/time -f %M -o "$dir/rss" "$@" >/dev/null
  t1=$(now)
  cached1=$(cached_kib)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  if [[ $check == 1 ]] && ! cmp -s "$d/work.img" "$d/expected.img"; then
    echo "run-bench: $method on $name: result differs from expected.img" >&2
    exit 1
  fi
  if [[ -z ${times[$key]:-} ]] || awk -v a="$secs" -v b="${times[$key]%% *}" 'BEGIN { exit !(a < b) }'; then
    rss_kib[$key]=$(cat "$dir/rss")
    cache_mib[$key]=$(((cached1 - cached0) / 1024))
  fi
  times[$key]=$(printf '%s\n' ${times[$key]:-} "$secs" | sort -n | tr '\n' ' ')
}

# fio_once NAME METHOD FIO-ARGS...: one fio run; the time is what fio measured
# for its slowest job (its own start-up left out).
fio_once() {
  local name=$1 method=$2
  shift 2
  local d=$dir/$name secs key="$name|$method"
  cp "$d/origin.img" "$d/work.img"
  drop_caches
  fio --output-format=json --output="$dir/fio.json" "$@" >/dev/null
  secs=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.3f" % (max(max(j["read"]["runtime"], j["write"]["runtime"]) for j in d["jobs"]) / 1000))' "$dir/fio.json")
  times[$key]=$(printf '%s\n' ${times[$key]:-} "$secs" | sort -n | tr '\n' ' ')
}

# record NAME METHOD: appends best and median of the rounds to the results.
record() {
  local key="$1|$2" best median sorted
  read -r -a sorted <<<"${times[$key]}"
  best=${sorted[0]}
  median=${sorted[$(((${#sorted[@]} - 1) / 2))]}
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$best" "$median" "${rss_kib[$key]:-}" \
    "${cache_mib[$key]:-}" >>"$results"
  echo "  $1 / $2: best ${best}s, median ${median}s of ${#sorted[@]}${rss_kib[$key]:+, peak RSS ${rss_kib[$key]} KiB, page cache +${cache_mib[$key]} MiB}" >&2
}

# bench_pattern NAME FOURK WRITE_BLOCK: WRITE_BLOCK is the size of the
# pattern's writes (a chunk, or a whole run), for the same-pattern fio job.
bench_pattern() {
  local name=$1 fourk=$2 wbs=$3
  local d=$dir/$name bytes mibs size round m
  bytes=$(data_bytes "$name")
  mibs=$((bytes / 1048576))
  size=$(stat -c %s "$d/origin.img")
  echo "$name: $(cat "$d/mkstore.out"), plan writes $bytes bytes" >&2
  printf '%s\tbytes\t%s\t\t\t\n' "$name" "$bytes" >>"$results"
  # The 2008 way: one dd per run, with oflag=direct added.
  "$bin" --dry-run --format dd --cow "$d/cow.img" --origin "$d/origin.img" |
    sed 's/ conv=notrunc$/ oflag=direct conv=notrunc status=none/' >"$d/plan-direct.sh"
  local methods=("lvm-revert" "lvm-revert psync" "--verify" "--backup" "buffered" "2008 dd lines" "dd sequential"
                 "fio copy limit" "fio read only" "fio write only" "fio same pattern")
  [[ $fourk == 0 ]] || methods+=("fio randwrite 4k")
  for ((round = 0; round < runs; round++)); do
    for m in "${methods[@]}"; do
      case $m in
        "lvm-revert") run_once "$name" "$m" 1 "$bin" -y -q --cow "$d/cow.img" --origin "$d/work.img" ;;
        "lvm-revert psync")
          run_once "$name" "$m" 1 "$bin" -y -q --io-engine psync --cow "$d/cow.img" --origin "$d/work.img" ;;
        "--verify")
          run_once "$name" "$m" 1 "$bin" -y -q --verify --cow "$d/cow.img" --origin "$d/work.img" ;;
        "--backup")
          rm -f "$d/backup.img"
          run_once "$name" "$m" 1 "$bin" -y -q --backup "$d/backup.img" --cow "$d/cow.img" \
            --origin "$d/work.img"
          rm -f "$d/backup.img" ;;
        "buffered") run_once "$name" "$m" 1 "$buffered" "$d/cow.img" "$d/work.img" ;;
        "2008 dd lines")
          # Slow: two rounds are enough to take the best of.
          ((round < 2)) || continue
          run_once "$name" "$m" 1 env origin="$d/work.img" cow="$d/cow.img" bash "$d/plan-direct.sh" ;;
        "dd sequential")
          run_once "$name" "$m" 0 dd if="$d/cow.img" of="$d/work.img" bs=1M count="$mibs" \
            iflag=direct oflag=direct conv=notrunc status=none ;;
        "fio copy limit")
          fio_once "$name" "$m" --direct=1 --bs=1M --iodepth=16 --ioengine=io_uring \
            --name=read --filename="$d/cow.img" --rw=read --size="${mibs}M" \
            --name=write --filename="$d/work.img" --rw=write --size="${mibs}M" ;;
        "fio read only")
          fio_once "$name" "$m" --direct=1 --bs=1M --iodepth=16 --ioengine=io_uring \
            --name=read --filename="$d/cow.img" --rw=read --size="${mibs}M" ;;
        "fio write only")
          fio_once "$name" "$m" --direct=1 --bs=1M --iodepth=16 --ioengine=io_uring \
            --name=write --filename="$d/work.img" --rw=write --size="${mibs}M" ;;
        "fio same pattern")
          fio_once "$name" "$m" --direct=1 --iodepth=16 --ioengine=io_uring \
            --name=read --filename="$d/cow.img" --rw=read --bs=2M --size="${mibs}M" \
            --name=write --filename="$d/work.img" --rw=randwrite --bs="$wbs" \
            --size="$size" --io_size="${mibs}M" ;;
        "fio randwrite 4k")
          fio_once "$name" "$m" --direct=1 --bs=4k --iodepth=32 --ioengine=io_uring \
            --name=randwrite --filename="$d/work.img" --rw=randwrite --size="$size" \
            --io_size="${mibs}M" ;;
      esac
    done
  done
  for m in "${methods[@]}"; do record "$name" "$m"; done
  phases_once "$name" "lvm-revert"
  phases_once "$name" "--verify" --verify
  phases_once "$name" "--backup" --backup "$d/backup.img"
  rm -f "$d/backup.img"
}

# phases_once NAME METHOD ARGS...: one more run, untimed by the table, whose
# -v line says where lvm-revert's own time went.
phases_once() {
  local name=$1 method=$2 d=$dir/$1
  shift 2
  cp "$d/origin.img" "$d/work.img"
  rm -f "$d/backup.img"
  drop_caches
  printf '%-13s %-9s %s\n' "$name" "$method" "$("$bin" -y -v "$@" --cow "$d/cow.img" \
    --origin "$d/work.img" 2>&1 >/dev/null | sed -n 's/^lvm-revert: note: time: //p')" >>"$phases"
}

if [[ $quick == 1 ]]; then
  dataset c64k-runs --chunk-sectors 128 --origin-mib 512 --exceptions 4096 --pattern runs --run-chunks 16 --seed 1
  dataset c4k-scatter --chunk-sectors 8 --origin-mib 256 --exceptions 16384 --pattern scatter --seed 2
  bench_pattern c64k-runs 0 1M
  bench_pattern c4k-scatter 1 4k
else
  dataset c64k-runs --chunk-sectors 128 --origin-mib 2048 --exceptions 16384 --pattern runs --run-chunks 16 --seed 1
  dataset c64k-scatter --chunk-sectors 128 --origin-mib 2048 --exceptions 8192 --pattern scatter --seed 4
  dataset c4k-scatter --chunk-sectors 8 --origin-mib 1024 --exceptions 65536 --pattern scatter --seed 2
  dataset c4k-runs --chunk-sectors 8 --origin-mib 1024 --exceptions 65536 --pattern runs --run-chunks 64 --seed 3
  dataset c512k-runs --chunk-sectors 1024 --origin-mib 2048 --exceptions 1024 --pattern runs --run-chunks 4 --seed 5
  bench_pattern c64k-runs 0 1M
  bench_pattern c64k-scatter 0 64k
  bench_pattern c512k-runs 0 2M
  bench_pattern c4k-scatter 1 4k
  bench_pattern c4k-runs 1 256k

  # Memory: a 2 GiB store of 4 KiB chunks (524288 exceptions).
  dataset mem-2g --chunk-sectors 8 --origin-mib 3072 --exceptions 524288 --pattern scatter --seed 6
  printf '%s\tbytes\t%s\t\t\t\n' mem-2g "$(data_bytes mem-2g)" >>"$results"
  run_once mem-2g "lvm-revert" 1 "$bin" -y -q --cow "$dir/mem-2g/cow.img" --origin "$dir/mem-2g/work.img"
  run_once mem-2g "buffered" 1 "$buffered" "$dir/mem-2g/cow.img" "$dir/mem-2g/work.img"
  record mem-2g "lvm-revert"
  record mem-2g "buffered"
fi

# The reader and planner on a million exceptions (metadata only, sparse data).
dataset meta-1m --chunk-sectors 8 --origin-mib 8192 --exceptions 1000000 --pattern scatter --seed 7 --metadata-only
drop_caches
/usr/bin/time -f "%U %S %e %M" -o "$dir/meta.time" "$bin" --dry-run -q --cow "$dir/meta-1m/cow.img" --origin "$dir/meta-1m/origin.img"
read -r meta_user meta_sys meta_wall meta_rss <"$dir/meta.time"

# lvconvert --merge against lvm-revert, in one VM boot.
vm_line=""
if [[ $vm == 1 ]]; then
  if (cd "$top" && tests/vm/run-in-vm.sh --disk 2G --env LVM_REVERT="$bin" -- bash tests/bench/vm-merge.sh) >"$dir/vm.log" 2>&1; then
    vm_line=$(grep '^vm-bench' "$dir/vm.log" || true)
  else
    vm_line="vm-bench failed: see $dir/vm.log"
  fi
fi

# --- the table ---------------------------------------------------------------
echo
echo "lvm-revert benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, kernel $(uname -r), $runs rounds"
echo "data in $dir ($(findmnt -no FSTYPE,SOURCE -T "$dir" | tr -s ' '))"
echo
awk -F'\t' '
  $2 == "bytes" { bytes[$1] = $3; order[++n] = $1; next }
  { k = $1 "|" $2; t[k] = $3; med[k] = $4; rss[k] = $5; pc[k] = $6; methods[$1] = methods[$1] "|" $2 }
  END {
    printf "%-13s %-17s %8s %8s %8s %8s %8s %10s %10s\n", "pattern", "method", "best s", "median s",
           "MiB/s", "vs ours", "(median)", "peak RSS", "page cache"
    for (i = 1; i <= n; i++) {
      p = order[i]; o = p "|lvm-revert"
      m = split(substr(methods[p], 2), ms, "|")
      for (j = 1; j <= m; j++) {
        k = p "|" ms[j]
        rate = t[k] > 0 ? bytes[p] / 1048576 / t[k] : 0
        ratio = t[o] > 0 && t[k] > 0 ? t[k] / t[o] : 0
        mratio = med[o] > 0 && med[k] > 0 ? med[k] / med[o] : 0
        printf "%-13s %-17s %8.3f %8.3f %8.1f %7.2fx %7.2fx", p, ms[j], t[k], med[k], rate, ratio, mratio
        if (rss[k] == "") printf " %10s %10s\n", "-", "-"
        else printf " %6d KiB %+6d MiB\n", rss[k], pc[k]
      }
      printf "\n"
    }
  }' "$results"
echo "\"vs ours\" is that method's time divided by lvm-revert's (best by best, median by median):"
echo "above 1 means lvm-revert is faster. Methods are interleaved round by round (the disk's speed drifts);"
echo "fio rows are fio's own runtime; the others are wall time of the whole command (start-up, checks, flush)."
echo
echo "Where lvm-revert's time went (-v, one more run of each after the rounds):"
cat "$phases"
echo
echo "planner: 1,000,000 exceptions read, validated and planned (--dry-run): ${meta_user}s user + ${meta_sys}s sys CPU, ${meta_wall}s wall, peak RSS ${meta_rss} KiB"
[[ -z $vm_line ]] || echo "$vm_line"
