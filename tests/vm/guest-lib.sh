# shellcheck shell=bash
# guest-lib.sh — helpers for scenario scripts that run inside the qemu guest
# started by tests/vm/run-in-vm.sh.  Source it from bash:
#
#   . "$(dirname "$0")/guest-lib.sh"
#
# It refuses to run outside the guest (VM_GUEST=1 is set by run-in-vm.sh),
# because its helpers wipe disks.
#
# TAP-style reporting: t_ok, t_fail, t_eq, t_ne, t_cmd, then t_done at the
# end, which prints the plan and "N passed, N failed" and exits non-zero if
# anything failed.  The t_* functions always return 0, so they are safe under
# `set -e`; if the scenario dies early (set -e, t_bail) an EXIT trap prints
# "Bail out!" and the counts, and the exit status stays non-zero.

if [[ ${VM_GUEST:-} != 1 ]]; then
    echo "guest-lib.sh: refusing to run outside the run-in-vm.sh guest (VM_GUEST is not 1)" >&2
    exit 2
fi

T_N=0
T_FAILED=0
T_DONE=0

# ------------------------------------------------------------------ logging
vm_log() { echo "# $*"; }

# vm_run CMD...: print the command, then run it.
vm_run() { echo "# \$ $*"; "$@"; }

# ------------------------------------------------------------------ TAP
t_ok() {
    T_N=$((T_N + 1))
    echo "ok $T_N - $1"
    return 0
}

t_fail() {
    T_N=$((T_N + 1))
    T_FAILED=$((T_FAILED + 1))
    echo "not ok $T_N - $1"
    if [[ $# -ge 2 && -n $2 ]]; then
        while IFS= read -r _l; do echo "#   $_l"; done <<<"$2"
    fi
    return 0
}

# t_eq NAME GOT EXPECTED
t_eq() {
    if [[ $2 == "$3" ]]; then t_ok "$1"; else t_fail "$1" "got:      '$2'"$'\n'"expected: '$3'"; fi
}

# t_ne NAME GOT UNEXPECTED
t_ne() {
    if [[ $2 != "$3" ]]; then t_ok "$1"; else t_fail "$1" "got '$2', which it must not be"; fi
}

# t_cmd NAME CMD...: ok if CMD exits 0 (its output is shown on failure).
t_cmd() {
    local name=$1 out rc=0
    shift
    out=$("$@" 2>&1) || rc=$?
    if [[ $rc == 0 ]]; then t_ok "$name"; else t_fail "$name" "\$ $*"$'\n'"exit $rc"$'\n'"$out"; fi
}

# t_bail MSG: stop the scenario now (counts as a failure).
t_bail() {
    echo "Bail out! $*"
    exit 1
}

t_done() {
    T_DONE=1
    echo "1..$T_N"
    echo "$((T_N - T_FAILED)) passed, $T_FAILED failed"
    if [[ $T_FAILED -gt 0 || $T_N -eq 0 ]]; then exit 1; fi
    exit 0
}

_t_on_exit() {
    local rc=$?
    vm_kill_bg
    if [[ $T_DONE != 1 ]]; then
        echo "Bail out! scenario ended early (exit $rc) after $T_N test(s)"
        echo "$((T_N - T_FAILED)) passed, $((T_FAILED + 1)) failed"
        [[ $rc != 0 ]] || exit 1
    fi
}
trap _t_on_exit EXIT
# Under set -e, say where it died.
trap 'echo "# command failed (exit $?) at ${BASH_SOURCE[0]}:${LINENO}: $BASH_COMMAND"' ERR
set -o errtrace

# ------------------------------------------------------------------ disks / LVM

# vm_disk N: device of the N-th --disk (0 -> /dev/vda).
vm_disk() {
    local letters=abcdefghijklmnopqrst
    echo "/dev/vd${letters:$1:1}"
}

# vm_make_vg VG DEV...: wipe DEVs, pvcreate them and vgcreate VG.
vm_make_vg() {
    local vg=$1
    shift
    [[ $# -ge 1 ]] || { echo "vm_make_vg: no devices" >&2; return 2; }
    local d
    for d in "$@"; do
        [[ -b $d ]] || { echo "vm_make_vg: $d is not a block device (did you pass --disk?)" >&2; return 2; }
    done
    pvcreate -q -ff -y "$@" >/dev/null
    vgcreate -q "$vg" "$@" >/dev/null
}

# vm_dm_name VG LV: device-mapper name (hyphens doubled).
vm_dm_name() { echo "${1//-/--}-${2//-/--}"; }

# vm_mknodes: make sure /dev/mapper and /dev/VG nodes match the kernel
# (normally libdevmapper already creates them, since udev is off).
vm_mknodes() { dmsetup mknodes >/dev/null 2>&1 || true; vgmknodes >/dev/null 2>&1 || true; }

# vm_fill DEV SEED MIB [OFFSET_MIB]: write MIB MiB of deterministic non-zero
# data at OFFSET_MIB (default 0) of DEV, with O_DIRECT.  Every 4 KiB block
# starts with "<SEED:BLOCKNUMBER>" (block number counted from the start of
# DEV), followed by a seed-dependent printable filler, so no two blocks of a
# fill (or of two fills with different seeds) are alike.  One awk + one dd.
vm_fill() {
    local dev=$1 seed=$2 mib=$3 off=${4:-0}
    [[ $seed =~ ^[0-9]+$ && $mib =~ ^[0-9]+$ && $off =~ ^[0-9]+$ ]] \
        || { echo "vm_fill: usage: vm_fill DEV SEED MIB [OFFSET_MIB] (integers)" >&2; return 2; }
    awk -v seed="$seed" -v mib="$mib" -v off="$off" 'BEGIN {
        x = (seed % 2147483646) + 1
        for (i = 0; i < 94; i++) ch[i] = sprintf("%c", 33 + i)
        pool = ""
        for (j = 0; j < 128; j++) {          # 8 KiB pool, built in 64-byte pieces
            piece = ""
            for (i = 0; i < 64; i++) { x = (x * 48271) % 2147483647; piece = piece ch[x % 94] }
            pool = pool piece
        }
        first = off * 256; last = (off + mib) * 256
        for (b = first; b < last; b++) {
            h = "<" seed ":" b ">"
            x = (x * 48271) % 2147483647
            printf "%s%s", h, substr(pool, (x % 4096) + 1, 4096 - length(h))
        }
    }' | dd of="$dev" bs=1M seek="$off" iflag=fullblock oflag=direct conv=notrunc status=none
}

# vm_sha DEV: sha256 of the whole device, read with O_DIRECT (no stale cache).
vm_sha() {
    dd if="$1" bs=1M iflag=direct status=none | sha256sum | cut -d' ' -f1
}

# vm_sha_range DEV OFFSET_MIB MIB: sha256 of a MiB range.
vm_sha_range() {
    dd if="$1" bs=1M skip="$2" count="$3" iflag=direct status=none | sha256sum | cut -d' ' -f1
}

# vm_snap_used VG SNAP: used sectors (data + metadata) of a snapshot, from
# `dmsetup status` ("0 LEN snapshot USED/TOTAL METADATA").
vm_snap_used() {
    local st
    st=$(dmsetup status "$(vm_dm_name "$1" "$2")") || return 1
    awk '{ split($4, a, "/"); print a[1] }' <<<"$st"
}

# vm_lv_exists VG/LV
vm_lv_exists() { lvs "$1" >/dev/null 2>&1; }

# vm_wait_lv_gone VG/LV [SECONDS]: poll lvs until the LV is gone (e.g. a
# merging snapshot once the merge completed).  Host-seconds are not guest
# seconds under TCG; the bound is a loop count.
vm_wait_lv_gone() {
    local lv=$1 tries=$(( ${2:-300} * 5 ))
    while vm_lv_exists "$lv"; do
        tries=$((tries - 1))
        [[ $tries -gt 0 ]] || { echo "vm_wait_lv_gone: $lv still there" >&2; return 1; }
        sleep 0.2
    done
}

# vm_no_suspended [NAME]: TAP check that no device-mapper device is suspended.
vm_no_suspended() {
    local name=${1:-no device-mapper device is suspended} out sus
    if ! out=$(dmsetup info -c --noheadings -o name,suspended --separator ' ' 2>&1); then
        t_fail "$name" "dmsetup info failed: $out"
        return 0
    fi
    if [[ $out == *"No devices found"* ]]; then t_ok "$name"; return 0; fi
    sus=$(awk '$2 != "Active" { print }' <<<"$out")
    if [[ -z $sus ]]; then t_ok "$name"; else t_fail "$name" "suspended: $sus"; fi
}

# vm_cleanup_vg VG: deactivate and remove a VG (best effort).
vm_cleanup_vg() {
    vgchange -an "$1" >/dev/null 2>&1 || true
    vgremove -ff -y "$1" >/dev/null 2>&1 || true
}

# ------------------------------------------------------------------ lvm-revert runs, holders

# Background processes started by the helpers below (holders, paused runs);
# vm_kill_bg, which the EXIT trap also calls, ends whichever are still there,
# so a scenario that dies early leaves no device open for the next one.
VM_BG_PIDS=()

# vm_bg_add PID: have vm_kill_bg (and the EXIT trap) end PID if still running.
vm_bg_add() { VM_BG_PIDS+=("$1"); }

# vm_kill_bg: SIGKILL every process registered with vm_bg_add, and reap it.
vm_kill_bg() {
    local p
    for p in ${VM_BG_PIDS[@]+"${VM_BG_PIDS[@]}"}; do
        kill -KILL "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    VM_BG_PIDS=()
}

# vm_hold_open DEV: start a background process that keeps DEV open (read-only,
# as fd 3) and sets VM_HOLD_PID to it; returns once the device is open.
# End it with vm_release "$VM_HOLD_PID".
vm_hold_open() {
    local dev=$1 tries=250
    sleep 600 3<"$dev" &
    VM_HOLD_PID=$!
    vm_bg_add "$VM_HOLD_PID"
    local want
    want=$(readlink -f "$dev")
    until [[ $(readlink "/proc/$VM_HOLD_PID/fd/3" 2>/dev/null) == "$want" ]]; do
        kill -0 "$VM_HOLD_PID" 2>/dev/null || { echo "vm_hold_open: could not open $dev" >&2; return 1; }
        tries=$((tries - 1))
        [[ $tries -gt 0 ]] || { echo "vm_hold_open: $dev not opened" >&2; return 1; }
        sleep 0.02
    done
}

# vm_release PID: end a holder started by vm_hold_open and wait until it is gone.
vm_release() { kill -KILL "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# vm_open_count DM_NAME: the open count device-mapper reports for DM_NAME.
vm_open_count() { dmsetup info -c --noheadings -o open "$1" 2>/dev/null | tr -d ' '; }

# vm_write_blocks DEV SEED BLOCK...: write one 4 KiB block at each BLOCK
# (counted in 4 KiB units from the start of DEV), in the order given, each
# written through to the device before the next (O_SYNC), by one perl
# process. Block contents start with "<bSEED:BLOCK>" and differ for every
# (SEED, BLOCK).
vm_write_blocks() {
    local dev=$1 seed=$2
    shift 2
    perl -e '
        use strict; use warnings; use Fcntl;
        my ($dev, $seed, @blocks) = @ARGV;
        sysopen(my $fh, $dev, O_WRONLY | O_SYNC) or die "vm_write_blocks: open $dev: $!\n";
        for my $b (@blocks) {
            my $head = "<b$seed:$b>";
            my $fill = join("", map { chr(33 + (($seed * 7919 + $b * 104729 + $_ * 31) % 94)) } 0 .. 255);
            my $buf = substr($head . ($fill x 17), 0, 4096);
            sysseek($fh, $b * 4096, 0) or die "vm_write_blocks: seek: $!\n";
            my $n = syswrite($fh, $buf) // die "vm_write_blocks: write block $b: $!\n";
            $n == 4096 or die "vm_write_blocks: short write at block $b\n";
        }
        close($fh) or die "vm_write_blocks: close: $!\n";
    ' "$dev" "$seed" "$@"
}

# vm_revert ARGS...: run "$LVM_REVERT" ARGS with stdin from /dev/null; sets
# REV_RC to its exit status and leaves its stdout in $REV_OUT, its stderr in
# $REV_ERR. Never fails (safe under set -e).
REV_OUT=/tmp/lvm-revert.out
REV_ERR=/tmp/lvm-revert.err
# shellcheck disable=SC2034  # REV_RC is for the caller
vm_revert() {
    REV_RC=0
    "$LVM_REVERT" "$@" </dev/null >"$REV_OUT" 2>"$REV_ERR" || REV_RC=$?
}

# vm_show_revert: the last vm_revert's output as TAP comments.
vm_show_revert() {
    sed 's/^/# out: /' "$REV_OUT"
    sed 's/^/# err: /' "$REV_ERR"
}

# t_grep NAME TEXT FILE...: ok if the fixed string TEXT occurs in a FILE.
t_grep() {
    local name=$1 text=$2
    shift 2
    if grep -qF -- "$text" "$@" 2>/dev/null; then t_ok "$name"; else
        t_fail "$name" "'$text' not in $*:"$'\n'"$(head -c 2000 "$@" 2>&1)"; fi
}

# t_egrep NAME REGEX FILE...: ok if the extended regex matches a line of a FILE.
t_egrep() {
    local name=$1 re=$2
    shift 2
    if grep -qE -- "$re" "$@" 2>/dev/null; then t_ok "$name"; else
        t_fail "$name" "/$re/ not in $*:"$'\n'"$(head -c 2000 "$@" 2>&1)"; fi
}

# --json output, read by python3 (one process per output), so that checks
# depend neither on the order of keys nor on the spacing, and a key left out
# reads as one written as null.
#
# vm_json_load: flatten the JSON object the last vm_revert printed (its
# $REV_OUT) into $REV_JSON, one "PATH=VALUE" line per value. PATH
# is the keys joined with dots; array elements come by index and, for
# objects with a string "name", by that name too (siblings.VG/sib.new_chunks);
# PATH.# is an array's length. VALUE is JSON: "text", 12, true, null. If
# the output is not one JSON object, the only line is "!error=WHY".
REV_JSON=/tmp/lvm-revert.json.flat
vm_json_load() {
    python3 -c '
import json, sys
def walk(path, v):
    if isinstance(v, dict):
        if not v: print(path + "={}")
        for k, x in v.items(): walk(path + "." + k if path else k, x)
    elif isinstance(v, list):
        print(path + ".#=" + str(len(v)))
        for i, x in enumerate(v):
            walk(path + "." + str(i), x)
            if isinstance(x, dict) and isinstance(x.get("name"), str): walk(path + "." + x["name"], x)
    else:
        print(path + "=" + json.dumps(v))
try:
    with open(sys.argv[1]) as f: doc = json.load(f)
    if not isinstance(doc, dict): raise ValueError("not an object: " + type(doc).__name__)
except Exception as e:
    print("!error=" + str(e).replace("\n", " "))
else:
    walk("", doc)' "$REV_OUT" >"$REV_JSON" 2>&1 || echo "!error=python3 failed" >"$REV_JSON"
}

# vm_json PATH: the value at PATH in $REV_JSON ("null" if it has none).
vm_json() {
    awk -v p="$1" 'index($0, p "=") == 1 { print substr($0, length(p) + 2); f = 1; exit }
                   END { if (!f) print "null" }' "$REV_JSON"
}

# t_json NAME PATH WANT: ok if the value at PATH in $REV_JSON is WANT (JSON:
# strings in double quotes).
t_json() {
    local got
    got=$(vm_json "$2")
    if [[ $got == "$3" ]]; then t_ok "$1"; else
        t_fail "$1" "$2: got $got, expected $3"$'\n'"$(grep -v '^plan\.' "$REV_JSON" | head -c 1500)"; fi
}

# t_json_not_string NAME PATH: ok if PATH has no string value (absent, null,
# or not a string), e.g. a backup_snapshot that does not apply.
t_json_not_string() {
    local got
    got=$(vm_json "$2")
    if [[ $got != \"* ]]; then t_ok "$1"; else t_fail "$1" "$2: got $got"; fi
}

# t_snap_valid NAME VG SNAP: ok if the snapshot's dm device is a loaded
# `snapshot` target whose status is not Invalid / Merge failed / Overflow.
t_snap_valid() {
    local st
    st=$(dmsetup status "$(vm_dm_name "$2" "$3")" 2>&1) || { t_fail "$1" "$st"; return 0; }
    if [[ $st == *" snapshot "* && $st != *Invalid* && $st != *"Merge failed"* && $st != *Overflow* ]]; then
        t_ok "$1"
    else
        t_fail "$1" "dmsetup status: $st"
    fi
}

# t_refused LABEL DEV ARGS...: run lvm-revert ARGS; it must exit 4 with an
# "lvm-revert: " line on stderr, leave DEV (the origin) as it was and leave
# nothing suspended. The caller then checks the message with t_grep.
t_refused() {
    local label=$1 dev=$2 before
    shift 2
    before=$(vm_sha "$dev")
    vm_revert "$@"
    t_eq "$label: exit 4" "$REV_RC" 4
    if [[ $REV_RC == 4 ]]; then sed 's/^/# err: /' "$REV_ERR" | cut -c1-300; else vm_show_revert; fi
    t_egrep "$label: error starts with 'lvm-revert: '" '^lvm-revert: ' "$REV_ERR"
    t_eq "$label: origin unchanged" "$(vm_sha "$dev")" "$before"
    vm_no_suspended "$label: no device suspended"
}

# ------------------------------------------------------------------ a device-mapper device under the PV
# To make I/O fail or slow down under LVM, a scenario puts its PV on a
# device-mapper device of its own, a `linear` table over a disk at an offset
# (so the disk itself shows no PV label), and reloads that device's table.

# vm_dm_over NAME DEV START: create /dev/mapper/NAME, a linear map of DEV from
# sector START to its end. The first MiB of DEV is zeroed first, so that no
# earlier PV label on DEV itself shows up next to NAME's.
vm_dm_over() {
    local name=$1 dev=$2 start=$3 size
    size=$(blockdev --getsz "$dev") || return 1
    [[ $start =~ ^[0-9]+$ && $start -lt $size ]] || { echo "vm_dm_over: bad START '$start'" >&2; return 2; }
    dd if=/dev/zero of="$dev" bs=1M count=1 oflag=direct conv=notrunc status=none
    dmsetup create "$name" --table "0 $((size - start)) linear $dev $start"
}

# vm_dm_table_linear DEV START LEN: the table of vm_dm_over's device.
vm_dm_table_linear() { echo "0 $3 linear $1 $2"; }

# vm_dm_table_error DEV START LEN ERR_START ERR_LEN: the same map, but with
# sectors [ERR_START, ERR_START+ERR_LEN) of the dm device on the `error`
# target (every read and write there fails with EIO).
vm_dm_table_error() {
    local dev=$1 start=$2 len=$3 es=$4 el=$5
    [[ $es =~ ^[0-9]+$ && $el =~ ^[0-9]+$ && $el -gt 0 && $((es + el)) -le $len ]] \
        || { echo "vm_dm_table_error: bad range $es+$el in $len sectors" >&2; return 2; }
    [[ $es -eq 0 ]] || echo "0 $es linear $dev $start"
    echo "$es $el error"
    [[ $((es + el)) -eq $len ]] || echo "$((es + el)) $((len - es - el)) linear $dev $((start + es + el))"
}

# vm_dm_table_delay DEV START LEN WRITE_MS: the same map through the `delay`
# target (modprobe dm-delay first): reads at once, every write and flush
# held back WRITE_MS milliseconds (held writes go on in parallel).
vm_dm_table_delay() { echo "0 $3 delay $1 $2 0 $1 $2 $4"; }

# vm_dm_reload NAME TABLE: swap NAME's table (suspend, load, resume).
vm_dm_reload() {
    dmsetup suspend "$1" && dmsetup load "$1" --table "$2" && dmsetup resume "$1"
}

# vm_dm_state NAME: "Active" or "Suspended".
vm_dm_state() { dmsetup info -c --noheadings -o suspended "$1" 2>/dev/null | tr -d ' '; }

# vm_lv_pv_sector VG LV: the sector of its PV where LV (a snapshot: its
# exception store) begins, from pe_start, the extent size and the first PE
# of its first segment (`lvs --segments -o seg_pe_ranges`).
vm_lv_pv_sector() {
    local range pv pe_start extent first
    range=$(lvs -a --noheadings --segments -o seg_pe_ranges "$1/$2" | head -1 | tr -d ' ')
    pv=${range%%:*}
    first=${range#*:}
    first=${first%%-*}
    pe_start=$(pvs --noheadings --nosuffix --units s -o pe_start "$pv" | tr -d ' ')
    extent=$(vgs --noheadings --nosuffix --units s -o vg_extent_size "$1" | tr -d ' ')
    [[ $first =~ ^[0-9]+$ && $pe_start =~ ^[0-9]+$ && $extent =~ ^[0-9]+$ ]] \
        || { echo "vm_lv_pv_sector: cannot place $1/$2 ($range, $pe_start, $extent)" >&2; return 1; }
    echo $((pe_start + first * extent))
}

# vm_block_seeds DEV: how many 4 KiB blocks of DEV carry each vm_fill seed
# ("<SEED:" header; "b" + SEED for vm_write_blocks, "-" for anything else),
# as "SEED:COUNT" words, most frequent first. One perl process, O_DIRECT dd.
vm_block_seeds() {
    dd if="$1" bs=1M iflag=direct status=none | perl -e '
        my (%n, $b);
        while (read(STDIN, $b, 4096) == 4096) { $n{ $b =~ /^<(b?\d+):\d+>/ ? $1 : "-" }++ }
        print join(" ", map { "$_:$n{$_}" } sort { $n{$b} <=> $n{$a} || $a cmp $b } keys %n), "\n";'
}

# vm_wait_suspended PREFIX PID SECONDS: until a device-mapper device whose
# name starts with PREFIX is suspended (ok), PID ends or about SECONDS pass.
vm_wait_suspended() {
    local prefix=$1 pid=$2 tries=$(($3 * 10))
    while ((tries-- > 0)); do
        if dmsetup info -c --noheadings -o name,suspended --separator ' ' 2>/dev/null |
            awk -v p="$prefix" 'index($1, p) == 1 && $2 != "Active" { f = 1 } END { exit !f }'; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# vm_dm_writes_done NAME: a lower bound on the write requests the dm device
# NAME has completed since it was created: writes counted in
# /sys/block/dm-N/stat less those still in flight (the kernel counts a
# bio-based device's requests when they start or, in newer kernels, when
# they end; either way the difference never exceeds what completed).
vm_dm_writes_done() {
    local minor
    minor=$(dmsetup info -c --noheadings -o minor "$1" 2>/dev/null | tr -d ' ')
    [[ $minor =~ ^[0-9]+$ ]] || { echo "vm_dm_writes_done: no device $1" >&2; return 1; }
    awk '{ print $5 - $9 }' "/sys/block/dm-$minor/stat"
}

# vm_wait_writes_done NAME BASE PID SECONDS: until NAME has completed more
# writes than BASE (a vm_dm_writes_done taken before), PID ends, or about
# SECONDS pass.
vm_wait_writes_done() {
    local name=$1 base=$2 pid=$3 tries=$(($4 * 20)) minor stat
    minor=$(dmsetup info -c --noheadings -o minor "$name" 2>/dev/null | tr -d ' ')
    [[ $minor =~ ^[0-9]+$ ]] || { echo "vm_wait_writes_done: no device $name" >&2; return 1; }
    while ((tries-- > 0)); do
        read -r -a stat <"/sys/block/dm-$minor/stat"
        ((stat[4] - stat[8] > base)) && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
