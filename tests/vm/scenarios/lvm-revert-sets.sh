#!/usr/bin/env bash
# Snapshot sets (issue 18): several snapshots reverted as one, in two VGs.
# Both VGs sit on device-mapper devices of our own (linear over /dev/vda),
# so that one of them can be given an `error` range, as in
# lvm-revert-io-errors.sh.
#   1) VG/SNAP VG/SNAP in two VGs: each origin reverted exactly, the
#      snapshots valid, no lvm_revert_incomplete left, both VG locks free.
#   2) @TAG and --snapset NAME (snapm's names); @TAG without a snapshot, a
#      snapset with no member and one whose members disagree on the
#      timestamp are refused.
#   3) All or nothing: one origin open, one snapshot invalid, a member
#      missing or no snapshot: exit 4, the refused member named, every
#      origin byte-identical, LVs and tags as they were.
#   4) Two refused members: two "member" lines and the summary (text, JSON).
#   5) Bad command lines: a member named twice, two snapshots of one
#      origin, --backup/--backup-snapshot/--remove-snapshot/--format dd on a
#      set, @TAG or --snapset with more volumes: exit 3, nothing changed.
#   6) --dry-run of a set, text and --json (members in origin order).
#   7) Writes to the second member's origin fail: exit 5, the first member
#      reverted, the third not started and untouched, the second's snapshot
#      tagged lvm_revert_incomplete; healed, the same command completes.
#   8) --at-next-boot / --list-scheduled / --cancel of a set, and
#      --at-every-boot / --cancel of @TAG: schedule and set tags.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

A=setsa          # the VGs, in LVM's lock order
B=setsb
PVA=setspva      # their PVs: linear maps of the disk
PVB=setspvb
DISK=$(vm_disk 0)
MIB=2048         # sectors
PV_LEN=$((96 * MIB))
START_A=2048
START_B=$((START_A + PV_LEN))
LINEAR_B=$(vm_dm_table_linear "$DISK" "$START_B" "$PV_LEN")
ONE_ORIGIN="works on one origin, not on a set of snapshots"

# Should the scenario end early: no error table left under setsb, no
# device-mapper device of ours left holding the disk.
# shellcheck disable=SC2317  # invoked via trap
heal_then_exit() {
    local rc=$?
    if [[ $T_DONE != 1 ]]; then
        vm_kill_bg
        dmsetup resume "$PVB" >/dev/null 2>&1 || true
        vm_dm_reload "$PVB" "$LINEAR_B" >/dev/null 2>&1 || true
        vm_cleanup_vg "$A"
        vm_cleanup_vg "$B"
        dmsetup remove "$PVA" >/dev/null 2>&1 || true
        dmsetup remove "$PVB" >/dev/null 2>&1 || true
    fi
    (exit "$rc")
    _t_on_exit
}
trap heal_then_exit EXIT

# --- two PVs on one disk ---------------------------------------------------------
[[ $(blockdev --getsz "$DISK") -ge $((START_B + PV_LEN)) ]] ||
    t_bail "$DISK is smaller than $(((START_B + PV_LEN) / MIB)) MiB (run with --disk 256M or more)"
# No earlier PV label on the disk itself, nor at the start of either map.
dd if=/dev/zero of="$DISK" bs=1M count=1 oflag=direct conv=notrunc status=none
dmsetup create "$PVA" --table "$(vm_dm_table_linear "$DISK" "$START_A" "$PV_LEN")"
dmsetup create "$PVB" --table "$LINEAR_B"
dd if=/dev/zero of="/dev/mapper/$PVA" bs=1M count=1 oflag=direct conv=notrunc status=none
dd if=/dev/zero of="/dev/mapper/$PVB" bs=1M count=1 oflag=direct conv=notrunc status=none
vm_make_vg "$A" "/dev/mapper/$PVA"
vm_make_vg "$B" "/dev/mapper/$PVB"
if pvs "$DISK" >/dev/null 2>&1; then t_fail "$DISK itself shows no PV label"; else t_ok "$DISK itself shows no PV label"; fi

# setsa/root and setsb/var, 8 MiB each, with 12 MiB snapshots of 4 KiB chunks
# (room for every chunk of the origin, so siblings never overflow).
lvcreate -q -y -L 8M -n root "$A" >/dev/null
lvcreate -q -y -L 8M -n var "$B" >/dev/null
vm_fill "/dev/$A/root" 1 8
vm_fill "/dev/$B/var" 2 8
lvcreate -q -y -s -c 4k -L 12M -n root_snap "$A/root" >/dev/null
lvcreate -q -y -s -c 4k -L 12M -n var_snap "$B/var" >/dev/null
ROOT0=$(vm_sha "/dev/$A/root_snap")
VAR0=$(vm_sha "/dev/$B/var_snap")

# dirty SEED: change both origins (a 2 MiB run and scattered 4 KiB blocks).
dirty() {
    vm_fill "/dev/$A/root" "$1" 2 3
    vm_write_blocks "/dev/$A/root" "$1" 0 700 2047
    vm_fill "/dev/$B/var" "$(($1 + 100))" 1 5
    vm_write_blocks "/dev/$B/var" "$1" 1 1000 1999
}

# The origins the refusals must leave alone (VG/LV), and what they hold.
ORIGINS=("$A/root" "$B/var")
origin_shas() {
    local lv
    for lv in "${ORIGINS[@]}"; do printf '%s=%s ' "$lv" "$(vm_sha "/dev/$lv")"; done
}
# Every LV of both VGs, its attributes (active, open, invalid), origin and tags.
lv_state() { lvs -a --noheadings -o vg_name,lv_name,lv_attr,origin,lv_tags "$A" "$B" | tr -s ' ' | sort; }
# tags_of VG/LV: its tags, sorted, space-separated.
tags_of() { lvs --noheadings -o lv_tags "$1" | tr -d ' ' | tr ',' '\n' | sed '/^$/d' | sort | paste -sd' '; }
# tagged TAG: how many LVs of both VGs carry TAG.
tagged() { lvs --noheadings -o lv_tags "$A" "$B" | tr -d ' ' | tr ',' '\n' | grep -cx -- "$1" || true; }
member_lines() { grep -c '^lvm-revert: member ' "$REV_ERR" || true; }

# t_set_unchanged LABEL WANT_RC ARGS...: run lvm-revert ARGS; it must exit
# WANT_RC with an "lvm-revert: " error, leave every origin of ORIGINS
# byte-identical, every LV and tag as it was, and nothing suspended. The
# caller checks the message.
t_set_unchanged() {
    local label=$1 want=$2 before state
    shift 2
    before=$(origin_shas)
    state=$(lv_state)
    vm_revert "$@"
    t_eq "$label: exit $want" "$REV_RC" "$want"
    if [[ $REV_RC == "$want" ]]; then sed 's/^/# err: /' "$REV_ERR" | cut -c1-300; else vm_show_revert; fi
    t_egrep "$label: error starts with 'lvm-revert: '" '^lvm-revert: ' "$REV_ERR"
    t_eq "$label: every origin unchanged" "$(origin_shas)" "$before"
    t_eq "$label: LVs and tags unchanged" "$(lv_state)" "$state"
    vm_no_suspended "$label: no device suspended"
}

# --- 1) two snapshots in two VGs ------------------------------------------------
dirty 10
t_ne "setup: root changed" "$(vm_sha "/dev/$A/root")" "$ROOT0"
t_ne "setup: var changed" "$(vm_sha "/dev/$B/var")" "$VAR0"
vm_revert -y "$A/root_snap" "$B/var_snap"
t_eq "two VGs: exit 0" "$REV_RC" 0
vm_show_revert
t_grep "two VGs: the set's plan line" "Set: 2 members, " "$REV_OUT"
t_grep "two VGs: root reverted" "Reverted /dev/mapper/$A-root: wrote " "$REV_OUT"
t_grep "two VGs: var reverted" "Reverted /dev/mapper/$B-var: wrote " "$REV_OUT"
t_eq "two VGs: root equals root_snap" "$(vm_sha "/dev/$A/root")" "$ROOT0"
t_eq "two VGs: var equals var_snap" "$(vm_sha "/dev/$B/var")" "$VAR0"
t_eq "two VGs: root_snap unchanged" "$(vm_sha "/dev/$A/root_snap")" "$ROOT0"
t_eq "two VGs: var_snap unchanged" "$(vm_sha "/dev/$B/var_snap")" "$VAR0"
t_snap_valid "two VGs: root_snap valid" "$A" root_snap
t_snap_valid "two VGs: var_snap valid" "$B" var_snap
t_eq "two VGs: no lvm_revert_incomplete left" "$(tagged lvm_revert_incomplete)" 0
vm_no_suspended "two VGs: no device suspended"
t_cmd "two VGs: V_$A free" flock -n -x "/run/lock/lvm/V_$A" true
t_cmd "two VGs: V_$B free" flock -n -x "/run/lock/lvm/V_$B" true

# --- 2) @TAG and --snapset -----------------------------------------------------
dirty 20
lvchange -q --addtag myset "$A/root_snap" "$B/var_snap"
vm_revert -y --json @myset
t_eq "@myset: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
vm_json_load
t_json "@myset --json: result reverted" result '"reverted"'
t_json "@myset --json: two members" 'members.#' 2
t_json "@myset --json: first root" members.0.origin "\"$A/root\""
t_json "@myset --json: first to root_snap" members.0.snapshot "\"$A/root_snap\""
t_json "@myset --json: second var" members.1.origin "\"$B/var\""
t_json "@myset --json: second to var_snap" members.1.snapshot "\"$B/var_snap\""
t_json "@myset --json: root reverted" members.0.result '"reverted"'
t_json "@myset --json: var reverted" members.1.result '"reverted"'
t_json_not_string "@myset --json: no top-level origin" origin
t_json_not_string "@myset --json: no top-level snapshot" snapshot
W0=$(vm_json members.0.bytes_written)
W1=$(vm_json members.1.bytes_written)
if [[ $W0 =~ ^[1-9][0-9]*$ && $W1 =~ ^[1-9][0-9]*$ ]]; then
    t_json "@myset --json: bytes_written is the members' sum" bytes_written $((W0 + W1))
else
    t_fail "@myset --json: each member wrote bytes" "members.0.bytes_written=$W0 members.1.bytes_written=$W1"
fi
t_eq "@myset: root equals root_snap" "$(vm_sha "/dev/$A/root")" "$ROOT0"
t_eq "@myset: var equals var_snap" "$(vm_sha "/dev/$B/var")" "$VAR0"
t_snap_valid "@myset: root_snap valid" "$A" root_snap
t_snap_valid "@myset: var_snap valid" "$B" var_snap
vm_no_suspended "@myset: no device suspended"
lvchange -q --deltag myset "$A/root_snap" "$B/var_snap"

t_set_unchanged "@ with no snapshot" 4 -y @nosuchtag
t_grep "@ with no snapshot: message" "no snapshot carries the tag @nosuchtag" "$REV_ERR"

# snapm's names: <origin>-snapset_<set>_<timestamp>_<mount point>, / as "-".
dirty 30
ROOT_S=$(vm_sha "/dev/$A/root")
VAR_S=$(vm_sha "/dev/$B/var")
RS=root-snapset_upgrade_1733300000_-
VS=var-snapset_upgrade_1733300000_-var
lvcreate -q -y -s -c 4k -L 12M -n "$RS" "$A/root" >/dev/null
lvcreate -q -y -s -c 4k -L 12M -n "$VS" "$B/var" >/dev/null
dirty 31
vm_revert -y --snapset upgrade
t_eq "--snapset upgrade: exit 0" "$REV_RC" 0
vm_show_revert
t_grep "--snapset upgrade: root reverted" "Reverted /dev/mapper/$A-root: wrote " "$REV_OUT"
t_grep "--snapset upgrade: var reverted" "Reverted /dev/mapper/$B-var: wrote " "$REV_OUT"
t_eq "--snapset upgrade: root equals its snapset snapshot" "$(vm_sha "/dev/$A/root")" "$ROOT_S"
t_eq "--snapset upgrade: var equals its snapset snapshot" "$(vm_sha "/dev/$B/var")" "$VAR_S"
t_eq "--snapset upgrade: the sibling root_snap unchanged" "$(vm_sha "/dev/$A/root_snap")" "$ROOT0"
t_eq "--snapset upgrade: the sibling var_snap unchanged" "$(vm_sha "/dev/$B/var_snap")" "$VAR0"
t_snap_valid "--snapset upgrade: $RS valid" "$A" "$RS"
t_snap_valid "--snapset upgrade: $VS valid" "$B" "$VS"
t_snap_valid "--snapset upgrade: root_snap valid" "$A" root_snap
t_snap_valid "--snapset upgrade: var_snap valid" "$B" var_snap
t_eq "--snapset upgrade: no lvm_revert_incomplete left" "$(tagged lvm_revert_incomplete)" 0
vm_no_suspended "--snapset upgrade: no device suspended"

t_set_unchanged "--snapset with no member" 4 -y --snapset nosuch
t_grep "--snapset with no member: message" "no snapshot of snapshot set nosuch" "$REV_ERR"

# Two snapset snapshots of one name and different times: two sets of one name.
lvcreate -q -y -s -c 4k -L 4M -n root-snapset_mixed_1733300000_- "$A/root" >/dev/null
lvcreate -q -y -s -c 4k -L 4M -n var-snapset_mixed_1733300001_-var "$B/var" >/dev/null
t_set_unchanged "--snapset, timestamps disagree" 4 -y --snapset mixed
t_grep "--snapset, timestamps disagree: message" "the snapshots of snapshot set mixed disagree on its timestamp" "$REV_ERR"
lvremove -q -y "$A/root-snapset_mixed_1733300000_-" "$B/var-snapset_mixed_1733300001_-var" \
    "$A/$RS" "$B/$VS" >/dev/null

# --- 3) all or nothing ------------------------------------------------------------
dirty 40
# One origin open: refused, and the member that was fine is not written either.
vm_hold_open "/dev/$B/var"
t_set_unchanged "var open" 4 -y "$A/root_snap" "$B/var_snap"
t_grep "var open: names the member" "lvm-revert: member $B/var ($B/var_snap): " "$REV_ERR"
t_egrep "var open: says why" "^lvm-revert: member $B/var \\($B/var_snap\\): .*(is open|is in use)" "$REV_ERR"
t_eq "var open: one member line" "$(member_lines)" 1
t_grep "var open: the summary" \
    "lvm-revert: 1 of 2 members of the set refused; nothing was written to any member" "$REV_ERR"
vm_release "$VM_HOLD_PID"

# One snapshot invalid: 4 MiB of 4 KiB chunks hold about 1000 chunks; writing
# 6 MiB overflows it (as in lvm-revert-refusals-state.sh).
lvcreate -q -y -L 8M -n bad "$B" >/dev/null
vm_fill "/dev/$B/bad" 3 8
lvcreate -q -y -s -c 4k -L 4M -n bad_snap "$B/bad" >/dev/null
vm_fill "/dev/$B/bad" 4 6 2
t_eq "setup: kernel invalidated bad_snap" "$(dmsetup status "$B-bad_snap")" "0 16384 snapshot Invalid"
ORIGINS=("$A/root" "$B/bad" "$B/var")
t_set_unchanged "bad_snap invalid" 4 -y "$B/bad_snap" "$A/root_snap"
t_grep "bad_snap invalid: names the member" "lvm-revert: member $B/bad ($B/bad_snap): " "$REV_ERR"
t_egrep "bad_snap invalid: says why" "^lvm-revert: member $B/bad \\($B/bad_snap\\): .*is invalid" "$REV_ERR"
t_eq "bad_snap invalid: one member line" "$(member_lines)" 1
t_grep "bad_snap invalid: the summary" \
    "lvm-revert: 1 of 2 members of the set refused; nothing was written to any member" "$REV_ERR"

# A member that is missing, or no snapshot.
t_set_unchanged "member missing" 4 -y "$A/root_snap" "$B/var_snap" "$B/nosuch"
t_grep "member missing: message" "logical volume $B/nosuch not found" "$REV_ERR"
t_set_unchanged "member not a snapshot" 4 -y "$A/root_snap" "$B/var"
t_grep "member not a snapshot: message" "$B/var is not a snapshot" "$REV_ERR"

# --- 4) every refusal named ----------------------------------------------------
vm_hold_open "/dev/$B/var"
t_set_unchanged "two refused" 4 -y "$B/var_snap" "$A/root_snap" "$B/bad_snap"
t_grep "two refused: names bad" "lvm-revert: member $B/bad ($B/bad_snap): " "$REV_ERR"
t_grep "two refused: names var" "lvm-revert: member $B/var ($B/var_snap): " "$REV_ERR"
t_eq "two refused: two member lines" "$(member_lines)" 2
if grep -qF "lvm-revert: member $A/root " "$REV_ERR"; then
    t_fail "two refused: root (fine) not named" "$(cat "$REV_ERR")"
else
    t_ok "two refused: root (fine) not named"
fi
t_grep "two refused: the summary" \
    "lvm-revert: 2 of 3 members of the set refused; nothing was written to any member" "$REV_ERR"
BEFORE=$(origin_shas)
vm_revert -y --json "$B/var_snap" "$A/root_snap" "$B/bad_snap"
t_eq "two refused --json: exit 4" "$REV_RC" 4
vm_json_load
t_json "two refused --json: result refused" result '"refused"'
t_json "two refused --json: three members" 'members.#' 3
t_json "two refused --json: members in origin order" members.1.origin "\"$B/bad\""
t_json "two refused --json: bad refused" members.1.result '"refused"'
t_json "two refused --json: var refused" members.2.result '"refused"'
t_json "two refused --json: bad's error is a refusal" members.1.error.kind '"refused"'
t_json "two refused --json: nothing written to root" members.0.bytes_written 0
t_eq "two refused --json: every origin unchanged" "$(origin_shas)" "$BEFORE"
vm_release "$VM_HOLD_PID"
lvremove -q -y "$B/bad_snap" "$B/bad" >/dev/null
ORIGINS=("$A/root" "$B/var")

# --- 5) bad command lines: exit 3, nothing changed ------------------------------
t_set_unchanged "named twice" 3 -y "$A/root_snap" "$B/var_snap" "$A/root_snap"
t_grep "named twice: message" "$A/root_snap is named twice" "$REV_ERR"

lvcreate -q -y -s -c 4k -L 12M -n root_snap2 "$A/root" >/dev/null
t_set_unchanged "two snapshots of one origin" 3 -y "$A/root_snap2" "$B/var_snap" "$A/root_snap"
t_grep "two snapshots of one origin: message" \
    "$A/root_snap and $A/root_snap2 are both snapshots of $A/root: a set reverts each origin to one snapshot" "$REV_ERR"
lvremove -q -y "$A/root_snap2" >/dev/null

BK=/tmp/sets-backup.cow
rm -f "$BK"
t_set_unchanged "--backup, two VGs" 3 -y --backup "$BK" "$A/root_snap" "$B/var_snap"
t_grep "--backup, two VGs: message" "--backup $ONE_ORIGIN" "$REV_ERR"
t_cmd "--backup, two VGs: no file written" test ! -e "$BK"
t_set_unchanged "--backup-snapshot, --snapset" 3 -y --backup-snapshot undo --snapset upgrade
t_grep "--backup-snapshot, --snapset: message" "--backup-snapshot $ONE_ORIGIN" "$REV_ERR"
lvchange -q --addtag myset "$A/root_snap" "$B/var_snap"
t_set_unchanged "--remove-snapshot, @TAG" 3 -y --remove-snapshot @myset
t_grep "--remove-snapshot, @TAG: message" "--remove-snapshot $ONE_ORIGIN" "$REV_ERR"
t_set_unchanged "--format dd, two VGs" 3 --format dd "$A/root_snap" "$B/var_snap"
t_grep "--format dd, two VGs: message" "$ONE_ORIGIN" "$REV_ERR"
t_set_unchanged "@TAG and a volume" 3 -y @myset "$A/root_snap"
t_grep "@TAG and a volume: message" "names a set by itself" "$REV_ERR"
lvchange -q --deltag myset "$A/root_snap" "$B/var_snap"
t_set_unchanged "--snapset and a volume" 3 -y --snapset upgrade "$A/root_snap"
t_grep "--snapset and a volume: message" "names a set by itself" "$REV_ERR"

# --- 6) dry run: text and --json, the members in origin order ---------------------
dirty 50
t_set_unchanged_ok() {  # LABEL ARGS...: like t_set_unchanged, but exit 0
    local label=$1 before state
    shift
    before=$(origin_shas)
    state=$(lv_state)
    vm_revert "$@"
    t_eq "$label: exit 0" "$REV_RC" 0
    [[ $REV_RC == 0 ]] || vm_show_revert
    t_eq "$label: every origin unchanged" "$(origin_shas)" "$before"
    t_eq "$label: LVs and tags unchanged" "$(lv_state)" "$state"
    vm_no_suspended "$label: no device suspended"
}
t_set_unchanged_ok "dry run" --dry-run "$B/var_snap" "$A/root_snap"
sed 's/^/# out: /' "$REV_OUT" | cut -c1-300
t_grep "dry run: the set's line" "Set: 2 members, " "$REV_OUT"
t_eq "dry run: a plan for each member" "$(grep -c '^Plan: ' "$REV_OUT" || true)" 2
t_eq "dry run: root's plan first" "$(grep '^Plan: ' "$REV_OUT" | head -1 | grep -c "/dev/mapper/$A-root" || true)" 1
if grep -q '^Reverted ' "$REV_OUT"; then t_fail "dry run: no Reverted line" "$(cat "$REV_OUT")"; else
    t_ok "dry run: no Reverted line"; fi

t_set_unchanged_ok "dry run --json" --dry-run --json "$B/var_snap" "$A/root_snap"
sed 's/^/# json: /' "$REV_OUT" | cut -c1-600
vm_json_load
t_json "dry run --json: result dry-run" result '"dry-run"'
t_json "dry run --json: two members" 'members.#' 2
t_json "dry run --json: first origin root" members.0.origin "\"$A/root\""
t_json "dry run --json: first snapshot root_snap" members.0.snapshot "\"$A/root_snap\""
t_json "dry run --json: second origin var" members.1.origin "\"$B/var\""
t_json "dry run --json: second snapshot var_snap" members.1.snapshot "\"$B/var_snap\""
t_json "dry run --json: root dry-run" members.0.result '"dry-run"'
t_json "dry run --json: var dry-run" members.1.result '"dry-run"'
t_json "dry run --json: root no error" members.0.error null
t_json "dry run --json: root wrote nothing" members.0.bytes_written 0
t_json "dry run --json: var wrote nothing" members.1.bytes_written 0
t_json_not_string "dry run --json: no top-level origin" origin
t_json_not_string "dry run --json: no top-level snapshot" snapshot
t_eq "dry run --json: no top-level store" "$(grep -c '^store\.' "$REV_JSON" || true)/$(vm_json store)" 0/null
R0=$(vm_json members.0.runs) R1=$(vm_json members.1.runs)
B0=$(vm_json members.0.bytes) B1=$(vm_json members.1.bytes)
if [[ $R0 =~ ^[1-9][0-9]*$ && $R1 =~ ^[1-9][0-9]*$ && $B0 =~ ^[1-9][0-9]*$ && $B1 =~ ^[1-9][0-9]*$ ]]; then
    t_ok "dry run --json: each member has runs and bytes"
    t_json "dry run --json: runs is the members' sum" runs $((R0 + R1))
    t_json "dry run --json: bytes is the members' sum" bytes $((B0 + B1))
else
    t_fail "dry run --json: each member has runs and bytes" "runs $R0 $R1, bytes $B0 $B1"
fi

# --- 7) a write failure in the second member, then a re-run ---------------------
# Members (origin order): setsa/root, setsb/var, setsb/work. var is changed
# all over; 4..6 MiB of it are put on the `error` target.
lvcreate -q -y -L 4M -n work "$B" >/dev/null
vm_fill "/dev/$B/work" 5 4
lvcreate -q -y -s -c 4k -L 8M -n work_snap "$B/work" >/dev/null
WORK0=$(vm_sha "/dev/$B/work_snap")
dirty 60
vm_fill "/dev/$B/var" 61 8
vm_fill "/dev/$B/work" 62 2 1
ROOT_W=$(vm_sha "/dev/$A/root")
VAR_W=$(vm_sha "/dev/$B/var")
WORK_W=$(vm_sha "/dev/$B/work")
t_ne "setup: root changed" "$ROOT_W" "$ROOT0"
t_ne "setup: var changed" "$VAR_W" "$VAR0"
t_ne "setup: work changed" "$WORK_W" "$WORK0"
VAR_AT=$(vm_lv_pv_sector "$B" var)
t_eq "var placement agrees with dmsetup table" "$(dmsetup table "$B-var-real" | awk '{print $5}')" "$VAR_AT"
ES=$((VAR_AT + 4 * MIB))
EL=$((2 * MIB))
vm_dm_reload "$PVB" "$(vm_dm_table_error "$DISK" "$START_B" "$PV_LEN" "$ES" "$EL")"
SET=("$B/work_snap" "$A/root_snap" "$B/var_snap")
vm_revert -y "${SET[@]}"
t_eq "var write errors: exit 5" "$REV_RC" 5
vm_show_revert
t_grep "var write errors: names the member that failed" \
    "lvm-revert: member 2 of 3, $B/var ($B/var_snap), failed while writing: " "$REV_ERR"
t_grep "var write errors: says what is done and what not started" \
    "done: $A/root; not started: $B/work" "$REV_ERR"
t_grep "var write errors: says Input/output error" "Input/output error" "$REV_ERR"
t_grep "var write errors: says running it again completes it" "again" "$REV_ERR"
vm_no_suspended "var write errors: no device suspended"
t_snap_valid "var write errors: var_snap valid" "$B" var_snap
t_eq "var write errors: var_snap tagged lvm_revert_incomplete" "$(tags_of "$B/var_snap")" lvm_revert_incomplete
t_eq "var write errors: no other LV tagged lvm_revert_incomplete" "$(tagged lvm_revert_incomplete)" 1
t_eq "var write errors: root (first) reverted" "$(vm_sha "/dev/$A/root")" "$ROOT0"
t_eq "var write errors: work (not started) unchanged" "$(vm_sha "/dev/$B/work")" "$WORK_W"
t_cmd "var write errors: V_$A free" flock -n -x "/run/lock/lvm/V_$A" true
t_cmd "var write errors: V_$B free" flock -n -x "/run/lock/lvm/V_$B" true
# Again, still failing, with --json: each member's result.
vm_revert -y --json "${SET[@]}"
t_eq "var write errors --json: exit 5" "$REV_RC" 5
vm_json_load
t_json "var write errors --json: result failed" result '"failed"'
t_json "var write errors --json: three members" 'members.#' 3
t_json "var write errors --json: root reverted" members.0.result '"reverted"'
t_json "var write errors --json: var failed" members.1.result '"failed"'
t_json "var write errors --json: var's error failed" members.1.error.kind '"failed"'
t_json "var write errors --json: work not started" members.2.result '"not-started"'
t_json "var write errors --json: work wrote nothing" members.2.bytes_written 0
t_eq "var write errors --json: work still unchanged" "$(vm_sha "/dev/$B/work")" "$WORK_W"
vm_dm_reload "$PVB" "$LINEAR_B"
# var is read only now: its 4..6 MiB cannot be read while the error table is in.
t_ne "var write errors: var not (fully) reverted" "$(vm_sha "/dev/$B/var")" "$VAR0"
vm_revert -y "${SET[@]}"
t_eq "healed, re-run: exit 0" "$REV_RC" 0
vm_show_revert
t_eq "healed, re-run: root equals root_snap" "$(vm_sha "/dev/$A/root")" "$ROOT0"
t_eq "healed, re-run: var equals var_snap" "$(vm_sha "/dev/$B/var")" "$VAR0"
t_eq "healed, re-run: work equals work_snap" "$(vm_sha "/dev/$B/work")" "$WORK0"
t_eq "healed, re-run: var_snap unchanged" "$(vm_sha "/dev/$B/var_snap")" "$VAR0"
t_snap_valid "healed, re-run: root_snap valid" "$A" root_snap
t_snap_valid "healed, re-run: var_snap valid" "$B" var_snap
t_snap_valid "healed, re-run: work_snap valid" "$B" work_snap
t_eq "healed, re-run: no lvm_revert_incomplete left" "$(tagged lvm_revert_incomplete)" 0
vm_no_suspended "healed, re-run: no device suspended"
lvremove -q -y "$B/work_snap" "$B/work" >/dev/null

# --- 8) schedule and cancel a set --------------------------------------------------
dirty 70
SCHEDULED_SHAS=$(origin_shas)
vm_revert --at-next-boot "$A/root_snap" "$B/var_snap"
t_eq "--at-next-boot, set: exit 0" "$REV_RC" 0
vm_show_revert
SET_TAG=$(tags_of "$A/root_snap" | tr ' ' '\n' | grep '^lvm_revert_set_' || true)
if [[ $SET_TAG =~ ^lvm_revert_set_[^[:space:]]+$ ]]; then t_ok "--at-next-boot, set: root_snap has one set tag"; else
    t_fail "--at-next-boot, set: root_snap has one set tag" "tags: $(tags_of "$A/root_snap")"; fi
t_eq "--at-next-boot, set: root_snap tags" "$(tags_of "$A/root_snap")" "lvm_revert_next_boot $SET_TAG"
t_eq "--at-next-boot, set: var_snap has the same tags" "$(tags_of "$B/var_snap")" "lvm_revert_next_boot $SET_TAG"
t_eq "--at-next-boot, set: nothing written" "$(origin_shas)" "$SCHEDULED_SHAS"
vm_no_suspended "--at-next-boot, set: no device suspended"
vm_revert --list-scheduled
t_eq "--list-scheduled: exit 0" "$REV_RC" 0
sed 's/^/# out: /' "$REV_OUT"
t_grep "--list-scheduled: lists root" "$A/root <- $A/root_snap" "$REV_OUT"
t_grep "--list-scheduled: lists var" "$B/var <- $B/var_snap" "$REV_OUT"
t_grep "--list-scheduled: names the set" "${SET_TAG#lvm_revert_set_}" "$REV_OUT"
vm_revert --cancel "$A/root_snap" "$B/var_snap"
t_eq "--cancel, set: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_eq "--cancel, set: root_snap has no tag left" "$(tags_of "$A/root_snap")" ""
t_eq "--cancel, set: var_snap has no tag left" "$(tags_of "$B/var_snap")" ""
vm_revert --list-scheduled
if grep -qF "$A/root" "$REV_OUT"; then t_fail "--cancel, set: nothing listed" "$(cat "$REV_OUT")"; else
    t_ok "--cancel, set: nothing listed"; fi

# @TAG: the set tag is lvm_revert_set_TAG; --cancel leaves the admin's tag.
lvchange -q --addtag myset "$A/root_snap" "$B/var_snap"
vm_revert --at-every-boot @myset
t_eq "--at-every-boot @myset: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_eq "--at-every-boot @myset: root_snap tags" "$(tags_of "$A/root_snap")" "lvm_revert_every_boot lvm_revert_set_myset myset"
t_eq "--at-every-boot @myset: var_snap tags" "$(tags_of "$B/var_snap")" "lvm_revert_every_boot lvm_revert_set_myset myset"
vm_revert --cancel @myset
t_eq "--cancel @myset: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_eq "--cancel @myset: root_snap keeps only myset" "$(tags_of "$A/root_snap")" myset
t_eq "--cancel @myset: var_snap keeps only myset" "$(tags_of "$B/var_snap")" myset
t_eq "scheduling: nothing written" "$(origin_shas)" "$SCHEDULED_SHAS"

vm_cleanup_vg "$A"
vm_cleanup_vg "$B"
pvremove -q -y "/dev/mapper/$PVA" "/dev/mapper/$PVB" >/dev/null 2>&1 || true
dmsetup remove "$PVA"
dmsetup remove "$PVB"
t_eq "$PVA and $PVB removed" "$(dmsetup ls | grep -c "^setspv" || true)" 0
t_done
