#!/usr/bin/env bash
# The progress line on a real terminal: lvm-revert reverts an image with its
# stderr on a tmux pane 45 columns wide, then on one 200 columns wide, and the
# pane's screen must hold the one final progress line: the short form fitting
# in 44 columns at 45 (no wrapped rows, no redraws piled up), the full form
# with the byte counts and the rate at 200. Every redraw is checked too, from
# the raw bytes the pane received (tmux pipe-pane).
#
#   tests/tty/progress-width.sh BUILD_DIR
#
# Redraws are made deterministic rather than left to the machine's speed (a
# copy on tmpfs runs at ~1 GB/s and would end between two redraws): the test
# stops lvm-revert (SIGSTOP) for 250 ms at a time and lets it run for ~5 ms
# in between, so each resumption during the copy redraws once (a redraw needs
# 200 ms since the last), up to 8 times; the ~95 MiB copied in 24000
# scattered 4 KiB runs (psync, on tmpfs when there is room) last many slices.
# At least 3 redraws are required. A control run lies to lvm-revert about the
# width (stty cols 200 in a 45-column pane): the 45-column check must reject
# what it draws there, so the check is known to be able to fail.
# Prints "ok N - ..." / "not ok N - ..."; exits 1 on any failure.
set -euo pipefail

build=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
bin=$build/lvmext/lvm-revert
mkstore=$build/tests/lvm-revert-mkstore
for f in "$bin" "$mkstore"; do
  [[ -x $f ]] || { echo "not ok 1 - $f is not built"; exit 1; }
done
command -v tmux >/dev/null || { echo "not ok 1 - tmux is not installed (scripts/setup.sh all)"; exit 1; }
unset TMUX  # run inside tmux or not, this test talks only to its own server

# tmpfs makes the copy's speed the CPU's, not a disk's; it needs ~400 MiB.
base=${TMPDIR:-/var/tmp}
if [[ -d /dev/shm && -w /dev/shm ]] &&
  (($(df -Pk /dev/shm | awk 'NR == 2 { print $4 }') > 1024 * 1024)); then
  base=/dev/shm
fi
work=$(mktemp -d "$base/lvm-revert-tty.XXXXXX")
sock=$work/tmux.sock  # a private server, gone with the directory
tm() { tmux -S "$sock" -f /dev/null "$@"; }
child=  # the lvm-revert being stopped and continued, if any
cleanup() {
  [[ -z $child ]] || kill -CONT "$child" 2>/dev/null || true
  tm kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

tests=0 failed=0
report() {  # report STATUS DESCRIPTION
  tests=$((tests + 1))
  if [[ $1 == 0 ]]; then
    echo "ok $tests - $2"
  else
    echo "not ok $tests - $2"
    failed=$((failed + 1))
  fi
}
check() {  # check DESCRIPTION CMD...: one test line for CMD's success
  local desc=$1 rc=0
  shift
  "$@" || rc=$?
  report "$rc" "$desc"
}
why() { echo "#   $*"; }
show() {  # show TITLE FILE: a captured screen, as comments
  echo "# $1, down to its last non-blank row:"
  awk '{ row[NR] = $0 } /./ { last = NR } END { for (i = 1; i <= last; i++) print "#   |" row[i] }' "$2"
}

start=$SECONDS
# 24000 of the 24576 chunks of a 96 MiB origin, scattered: 24000 runs to copy.
"$mkstore" --out "$work" --chunk-sectors 8 --origin-mib 96 --exceptions 24000 \
  --pattern scatter >/dev/null

# nap SECONDS: sleeps without starting a process (a read that times out on a
# pipe nobody writes to), so the running slices stay short.
exec {nap_fd}<> <(:)
nap() { read -r -t "$1" -u "$nap_fd" || true; }

# run_pane NAME COLUMNS [STTY_COLUMNS]: reverts a copy of origin.img with
# stderr on a fresh tmux pane COLUMNS wide (and, if given, the pty's size set
# to STTY_COLUMNS first). Leaves NAME.status, NAME.img, NAME.raw (every byte
# the pane got), NAME.rows (the screen, row by row) and NAME.joined (the
# screen with wrapped rows joined, capture-pane -J).
run_pane() {
  local name=$1 cols=$2 stty_cols=${3:-} d=$work/$1 i
  cp "$work/origin.img" "$d.img"
  {
    echo "tmux -S $(printf %q "$sock") wait-for go-$name"
    [[ -z $stty_cols ]] || echo "stty cols $stty_cols"
    # In the background only to learn its pid; stderr is still the pane.
    printf '%q -y --io-engine psync --cow %q --origin %q >%q &\n' \
      "$bin" "$work/cow.img" "$d.img" "$d.out"
    printf 'echo $! >%q\n' "$d.pid"
    printf 'wait $!; echo $? >%q\n' "$d.status"
    echo "tmux -S $(printf %q "$sock") wait-for -S done-$name"
    echo "exec sleep 600"  # keeps the pane, and its screen, until it is captured
  } >"$d.run"
  tm new-session -d -s "$name" -x "$cols" -y 20 "bash $(printf %q "$d.run")"
  tm pipe-pane -t "$name" -o "cat >$(printf %q "$d.raw")"
  tm wait-for -S "go-$name"
  # The duty cycle: stopped 250 ms, running ~5 ms, 8 times, then free.
  for ((i = 0; i < 500; i++)); do
    [[ ! -s $d.pid && ! -e $d.status ]] || break
    sleep 0.01
  done
  child=$(cat "$d.pid" 2>/dev/null || true)
  for ((i = 0; i < 8; i++)); do
    [[ -n $child && ! -e $d.status ]] || break
    nap 0.005
    kill -STOP "$child" 2>/dev/null || break
    nap 0.25
    kill -CONT "$child" 2>/dev/null || break
  done
  [[ -z $child ]] || kill -CONT "$child" 2>/dev/null || true
  child=
  timeout 60 tmux -S "$sock" wait-for "done-$name" || echo 124 >"$d.status"
  # The last bytes may still be on their way through the pipe: wait for the
  # final line's newline (a second at most).
  for ((i = 0; i < 20; i++)); do
    [[ -s $d.raw && $(tail -c 1 "$d.raw" | od -An -c | tr -d ' ') == '\n' ]] && break
    sleep 0.05
  done
  # Plain text is what is at stake: lvm-revert sets no attributes, so -e
  # would add nothing; the escapes it sends are checked in NAME.raw.
  tm capture-pane -p -t "$name" >"$d.rows"
  tm capture-pane -p -J -t "$name" >"$d.joined"
  tm kill-session -t "$name"
}

nonblank() { grep -c . "$1" || true; }
drawn_lines() { tr '\r' '\n' <"$1" | sed 's/\x1b\[K//g' | grep .; }

reverted_ok() {  # reverted_ok NAME
  local d=$work/$1 status
  status=$(cat "$d.status" 2>/dev/null || echo none)
  [[ $status == 0 ]] || { why "exit status $status"; return 1; }
  cmp -s "$d.img" "$work/expected.img" ||
    { why "$1.img differs from expected.img"; return 1; }
}

enough_draws() {  # enough_draws NAME: the meter redrew at least 3 times
  local n
  n=$(drawn_lines "$work/$1.raw" | wc -l)
  why "$n redraws:"
  drawn_lines "$work/$1.raw" | sed 's/^/#     /'
  ((n >= 3)) || { why "fewer than 3: the run was too short to test redrawing"; return 1; }
}

# every_draw_fits NAME COLUMNS FULL: each line drawn is shorter than COLUMNS;
# FULL=1: each carries "MiB of" and "MiB/s", FULL=0: none does.
every_draw_fits() {
  local line bad=0
  while IFS= read -r line; do
    local wrong=
    if ((${#line} >= $2)); then
      wrong="${#line} characters drawn at $2 columns"
    elif [[ $3 == 1 && ($line != *" MiB of "* || $line != *" MiB/s "*) ]]; then
      wrong="not the full form"
    elif [[ $3 == 0 && $line == *MiB* ]]; then
      wrong="not the short form"
    fi
    [[ -n $wrong ]] || continue
    bad=$((bad + 1))
    ((bad > 3)) || why "$wrong: '$line'"
  done < <(drawn_lines "$work/$1.raw")
  ((bad <= 3)) || why "... and $((bad - 3)) more"
  ((bad == 0))
}

# one_line_screen NAME REGEX: the screen holds exactly one non-blank row, it
# matches REGEX, and no row is the continuation of a wrapped one (-J joins
# those: the joined capture would differ).
one_line_screen() {
  local d=$work/$1 rows
  rows=$(nonblank "$d.rows")
  ((rows == 1)) || { why "$rows non-blank rows on the screen, not 1"; return 1; }
  grep -Eq "$2" "$d.rows" || { why "the row does not match /$2/"; return 1; }
  # (-J also keeps the trailing blanks that the rows lose.)
  cmp -s <(grep . "$d.rows") <(sed 's/ *$//' "$d.joined" | grep .) ||
    { why "wrapped rows: capture-pane -J joins them into '$(grep . "$d.joined" | head -1)'"; return 1; }
}

short_final='^lvm-revert: 100%  in [0-9]+:[0-9]{2}$'
full_final='^lvm-revert: 100% [0-9.]+ MiB of [0-9.]+ MiB  [0-9.]+ MiB/s  in [0-9]+:[0-9]{2}$'

run_pane narrow 45
show "screen at 45 columns (capture-pane -p)" "$work/narrow.rows"
check "45 columns: exit 0, origin equals expected.img" reverted_ok narrow
check "45 columns: at least 3 redraws" enough_draws narrow
check "45 columns: every redraw is the short form, under 45 characters" every_draw_fits narrow 45 0
check "45 columns: the screen holds one line, the final short one, nothing wrapped or piled up" \
  one_line_screen narrow "$short_final"
rm -f "$work/narrow.img"

run_pane wide 200
show "screen at 200 columns (capture-pane -p)" "$work/wide.rows"
check "200 columns: exit 0, origin equals expected.img" reverted_ok wide
check "200 columns: at least 3 redraws" enough_draws wide
check "200 columns: every redraw is the full form (MiB of, MiB/s), under 200 characters" \
  every_draw_fits wide 200 1
check "200 columns: the screen holds one line, the final full one" one_line_screen wide "$full_final"
rm -f "$work/wide.img"

# The control: a 45-column pane whose pty claims 200 columns. lvm-revert draws
# the full line, the pane wraps it and each redraw starts on the wrapped row:
# the lines pile up, as they did before the line was fitted to the width.
run_pane control 45 200
show "control: 45-column pane, stty cols 200 (capture-pane -p)" "$work/control.rows"
rc=0
one_line_screen control "$short_final" || rc=$?
if ((rc != 0)); then report 0 "control: the 45-column screen check rejects a line wider than the pane"
else report 1 "control: the 45-column screen check rejects a line wider than the pane"; fi

echo "1..$tests"
echo "# $((SECONDS - start)) s"
((failed == 0)) || { echo "# $failed of $tests failed"; exit 1; }
