#!/usr/bin/env bash
# Thin snapshots (issue 19): the reset in four LVM steps (copy the snapshot
# as SNAP_lvmrevert, merge SNAP, rename the copy, drop its tag), on a 128 MiB
# thin pool with an 8 MiB thin origin.
#   1) Keep and reset, twice (with --compare before and after, and a dry
#      run before the first): the origin holds the snapshot's content and
#      keeps its LV UUID; the snapshot is kept with the same content and a
#      new UUID; no SNAP_lvmrevert and no lvm_revert_thin_copy tag left.
#   2) The snapshot's tags, read-only permission and absent activation-skip
#      flag (-kn) survive the reset.
#   3) Origin held open: exit 4, the message offers --at-next-boot, every
#      LV, UUID, tag and byte as before.
#   4) Another thin snapshot of the origin: exit 4 naming it, nothing
#      changed; with --allow-unlink: reset, a warning, the sibling keeps its
#      content and loses its origin link.
#   5) Pool data above activation/thin_pool_autoextend_threshold (50, in a
#      private copy of the guest's LVM configuration): exit 4 with the
#      percentage, no LV created; LVM itself refuses a thin snapshot there.
#   6) SIGKILL after each step (LVM_REVERT_DEBUG_PAUSE=thin-copy,
#      thin-merge, thin-rename): the VG is in the state the step left, and
#      the same command finishes the reset (the steps done are not repeated).
#   7) A set of a thin and an old-style snapshot, --format json: both
#      origins reverted, both snapshots kept, members[].kind.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../guest-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=thinvg
LVS=/tmp/thinvg.lvs              # the last lvs_read
CONF=/tmp/thinvg-lvm-etc         # LVM_SYSTEM_DIR with the threshold at 50
COPY_TAG=lvm_revert_thin_copy

# q CMD...: run an LVM command quietly; its stderr is shown only if it fails.
q() {
    local err l
    if ! err=$("$@" 2>&1 >/dev/null); then
        echo "# \$ $* failed:"
        while IFS= read -r l; do echo "#   $l"; done <<<"$err"
        return 1
    fi
}

# lvs_read: every LV of the VG (hidden ones too) into $LVS, one line each:
# name|uuid|attr|origin|tags.
lvs_read() {
    lvs -a --noheadings --separator '|' -o lv_name,lv_uuid,lv_attr,origin,lv_tags "$VG" |
        sed 's/^ *//' | sort >"$LVS"
}
# lv_state: the listing, for "nothing changed" (read afresh).
lv_state() { lvs_read; cat "$LVS"; }
# lvf LV N: field N (1 name, 2 uuid, 3 attr, 4 origin, 5 tags) of LV in the
# last lvs_read, or "<none>" if there is no such LV.
lvf() { awk -F'|' -v lv="$1" -v n="$2" '$1 == lv { print $n; f = 1 } END { if (!f) print "<none>" }' "$LVS"; }
# tags_of LV: its tags from the last lvs_read, sorted, comma-separated.
tags_of() { lvf "$1" 5 | tr ',' '\n' | sed '/^$/d' | sort | paste -sd, -; }
# copy_tagged: the LVs carrying lvm_revert_thin_copy in the last lvs_read.
copy_tagged() { awk -F'|' -v t="$COPY_TAG" '("," $5 ",") ~ ("," t ",") { print $1 }' "$LVS" | paste -sd' ' -; }
# plan_lines: the LVM steps lvm-revert printed (last vm_revert's stdout).
plan_lines() { grep -E '^  lv(create|convert|rename|change) ' "$REV_OUT" || true; }

# rev ARGS...: vm_revert ARGS, and how long it took (guest clock) as a comment.
rev() {
    local t0=$EPOCHREALTIME
    vm_revert "$@"
    vm_log "lvm-revert $*: exit $REV_RC, $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
}

# lv_sha LV: sha256 of VG/LV, activated (-K) first if it is not active
# (thin snapshots skip activation by default); left active.
lv_sha() {
    if ! dmsetup info "$(vm_dm_name "$VG" "$1")" >/dev/null 2>&1; then
        q lvchange -ay -K "$VG/$1"
    fi
    vm_sha "/dev/$VG/$1"
}

# dirty SEED: change the origin (a 2 MiB run and scattered 4 KiB blocks,
# block 0 included).
dirty() {
    vm_fill "/dev/$VG/data" "$1" 2 4
    vm_write_blocks "/dev/$VG/data" "$1" 0 1200 2047
}

# t_unchanged LABEL STATE SHA_DATA SHA_SNAP: every LV as in STATE (names,
# UUIDs, attributes, origins, tags), the origin and the snapshot byte for
# byte as they were, nothing suspended.
t_unchanged() {
    t_eq "$1: every LV, UUID, attribute, origin and tag as before" "$(lv_state)" "$2"
    t_eq "$1: origin unchanged" "$(vm_sha "/dev/$VG/data")" "$3"
    t_eq "$1: snapshot unchanged" "$(lv_sha snap)" "$4"
    vm_no_suspended "$1: no device suspended"
}

# t_reset_done LABEL OLD_SNAP_UUID TAGS PERM SKIP: the reset is complete:
# data holds A and keeps its UUID, snap is a thin snapshot of data holding
# A, with a new UUID, tags TAGS, permission PERM (w/r) and activation-skip
# flag SKIP (k/-); no copy left, by name or by tag.
t_reset_done() {
    local label=$1 old=$2 tags=$3 perm=$4 skip=$5 attr
    lvs_read
    t_eq "$label: origin keeps its LV UUID" "$(lvf data 2)" "$UUID_DATA"
    attr=$(lvf data 3)
    t_eq "$label: origin a writable thin LV, no merge pending" "${attr:0:2}" Vw
    t_eq "$label: snapshot's origin is data" "$(lvf snap 4)" data
    t_ne "$label: snapshot has a new LV UUID" "$(lvf snap 2)" "$old"
    t_eq "$label: snapshot's tags" "$(tags_of snap)" "$tags"
    attr=$(lvf snap 3)
    t_eq "$label: snapshot thin, permission $perm, activation skip '$skip'" \
        "${attr:0:1}${attr:1:1}${attr:9:1}" "V$perm$skip"
    t_eq "$label: no LV named snap_lvmrevert" "$(lvf snap_lvmrevert 1)" "<none>"
    t_eq "$label: no LV tagged $COPY_TAG" "$(copy_tagged)" ""
    t_eq "$label: origin holds the snapshot's content" "$(vm_sha "/dev/$VG/data")" "$SHA_A"
    t_eq "$label: snapshot content unchanged" "$(lv_sha snap)" "$SHA_A"
    vm_no_suspended "$label: no device suspended"
}

SUCCESS="Reset $VG/data to thin snapshot $VG/snap; the snapshot is kept, with a new LV UUID."
HEAD4="Thin reset of $VG/data to $VG/snap (thin pool $VG/pool), in 4 LVM steps:"
STEP_MERGE="  lvconvert --merge $VG/snap"
STEP_RENAME="  lvrename $VG snap_lvmrevert snap"
STEP_DELTAG="  lvchange --deltag $COPY_TAG $VG/snap"

# --- set-up ---------------------------------------------------------------------
modprobe dm-thin-pool 2>/dev/null || true
vm_make_vg "$VG" "$(vm_disk 0)"
q lvcreate -y --type thin-pool -L 32M --poolmetadatasize 4M -n pool "$VG"
q lvcreate -y -V 8M --thinpool pool -n data "$VG"
vm_fill "/dev/$VG/data" 1 8
SHA_A=$(vm_sha "/dev/$VG/data")
q lvcreate -y -s -n snap "$VG/data"     # thin snapshot: 'k', not active
lvs_read
UUID_DATA=$(lvf data 2)
ATTR=$(lvf snap 3)
t_eq "setup: snap is a thin snapshot of data" "$(lvf snap 4)" data
t_eq "setup: snap thin, writable, activation skip, not active" \
    "${ATTR:0:2}${ATTR:4:1}${ATTR:9:1}" "Vw-k"
dirty 2
SHA_B=$(vm_sha "/dev/$VG/data")
t_ne "setup: origin changed (B)" "$SHA_B" "$SHA_A"

# --- 1) --compare, dry run, keep and reset, twice ------------------------------------
vm_log "section 1 at ${SECONDS} s"
STATE=$(lv_state)
UUID_SNAP=$(lvf snap 2)
rev --compare "$VG/data" "$VG/snap"
t_eq "--compare, origin changed: exit 1" "$REV_RC" 1
[[ $REV_RC == 1 ]] || vm_show_revert
# 64 KiB units over 8 MiB: the 2 MiB run (block 1200 in it), blocks 0 and
# 2047. Block 0's old and new headers ("<1:0>", "<b2:0>") share the '<'.
t_egrep "--compare, origin changed: Differs, 34 of 128, first at byte 1" \
    '^Differs: 34 of 128 saved chunks \([0-9]+ bytes\) differ from the snapshot; the first at origin offset 1\.$' "$REV_OUT"
t_eq "--compare: every LV as before (snapshot inactive again)" "$(lv_state)" "$STATE"
t_eq "--compare: origin unchanged" "$(vm_sha "/dev/$VG/data")" "$SHA_B"

rev --dry-run "$VG/data" "$VG/snap"
t_eq "dry run: exit 0" "$REV_RC" 0
vm_show_revert
t_grep "dry run: the plan's heading" "$HEAD4" "$REV_OUT"
t_eq "dry run: the 4 steps" "$(plan_lines)" \
    "  lvcreate -s -n snap_lvmrevert --addtag $COPY_TAG -ky $VG/snap
$STEP_MERGE
$STEP_RENAME
$STEP_DELTAG"
t_grep "dry run: says nothing was written" "Dry run: nothing was written." "$REV_OUT"
t_eq "dry run: every LV as before" "$(lv_state)" "$STATE"
t_eq "dry run: origin unchanged" "$(vm_sha "/dev/$VG/data")" "$SHA_B"

rev -y "$VG/data" "$VG/snap"
t_eq "reset 1: exit 0" "$REV_RC" 0
vm_show_revert
t_grep "reset 1: the plan's heading" "$HEAD4" "$REV_OUT"
t_grep "reset 1: success line" "$SUCCESS" "$REV_OUT"
t_eq "reset 1: no warning" "$(grep -ci '^lvm-revert: warning' "$REV_ERR" || true)" 0
lvs_read
UUID_SNAP1=$(lvf snap 2)
STATE=$(cat "$LVS")
rev --compare "$VG/data" "$VG/snap"
t_eq "--compare after the reset: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_egrep "--compare after the reset: Same" "^Same: the origin holds the snapshot's data in all [0-9]+ saved chunks\." "$REV_OUT"
t_eq "--compare after the reset: every LV as before" "$(lv_state)" "$STATE"
t_reset_done "reset 1" "$UUID_SNAP" "" w k

dirty 3
t_ne "C written" "$(vm_sha "/dev/$VG/data")" "$SHA_A"
rev -y --verify "$VG/data" "$VG/snap"
t_eq "reset 2 (--verify): exit 0" "$REV_RC" 0
vm_show_revert
t_grep "reset 2: success line" "$SUCCESS" "$REV_OUT"
t_reset_done "reset 2" "$UUID_SNAP1" "" w k

# --- 2) tags, read-only, no activation skip -----------------------------------------
vm_log "section 2 at ${SECONDS} s"
q lvchange --addtag mytag --addtag gen.2 "$VG/snap"
q lvchange -pr "$VG/snap"
q lvchange -kn "$VG/snap"
dirty 4
lvs_read
UUID_SNAP=$(lvf snap 2)
ATTR=$(lvf snap 3)
t_eq "attrs: snap now read-only, no activation skip" "${ATTR:1:1}${ATTR:9:1}" "r-"
rev -y "$VG/data" "$VG/snap"
t_eq "attrs: exit 0" "$REV_RC" 0
vm_show_revert
t_egrep "attrs: the copy gets the tags, -pr and -kn" \
    "^  lvcreate -s -n snap_lvmrevert --addtag $COPY_TAG( --addtag [^ ]+)* -pr -kn $VG/snap\$" "$REV_OUT"
t_egrep "attrs: the copy gets the tag mytag" "^  lvcreate .* --addtag mytag " "$REV_OUT"
t_egrep "attrs: the copy gets the tag gen.2" "^  lvcreate .* --addtag gen\.2 " "$REV_OUT"
t_reset_done "attrs" "$UUID_SNAP" "gen.2,mytag" r -
TAGS=gen.2,mytag

# --- 3) origin held open ----------------------------------------------------------
vm_log "section 3 at ${SECONDS} s"
dirty 5
SHA_D=$(vm_sha "/dev/$VG/data")
SHA_S=$(lv_sha snap)
STATE=$(lv_state)
vm_hold_open "/dev/$VG/data"
rev -y "$VG/data" "$VG/snap"
t_eq "origin open: exit 4" "$REV_RC" 4
vm_show_revert
t_egrep "origin open: error starts with 'lvm-revert: '" '^lvm-revert: ' "$REV_ERR"
t_egrep "origin open: says it is open" 'is open|is in use' "$REV_ERR"
t_grep "origin open: offers --at-next-boot" \
    "; or revert it at the next boot, before it is mounted: lvm-revert --at-next-boot $VG/data $VG/snap" "$REV_ERR"
vm_release "$VM_HOLD_PID"
t_unchanged "origin open" "$STATE" "$SHA_D" "$SHA_S"

# --- 4) a sibling thin snapshot of the origin ----------------------------------------------
vm_log "section 4 at ${SECONDS} s"
q lvcreate -y -s -n sib "$VG/data"
SHA_SIB=$(lv_sha sib)
STATE=$(lv_state)
UUID_SNAP=$(lvf snap 2)
rev -y "$VG/data" "$VG/snap"
t_eq "sibling: exit 4" "$REV_RC" 4
vm_show_revert
t_grep "sibling: names it, says why and what to give" \
    "other thin snapshots of $VG/data would lose their link to it: $VG/sib (LVM's merge unlinks them, lvm2 #193); give --allow-unlink to reset anyway" "$REV_ERR"
t_unchanged "sibling" "$STATE" "$SHA_D" "$SHA_S"
rev -y --allow-unlink "$VG/data" "$VG/snap"
t_eq "sibling, --allow-unlink: exit 0" "$REV_RC" 0
vm_show_revert
t_grep "sibling, --allow-unlink: warns" \
    "lvm-revert: WARNING: $VG/sib loses its link to $VG/data (--allow-unlink given)" "$REV_ERR"
t_grep "sibling, --allow-unlink: success line" "$SUCCESS" "$REV_OUT"
t_reset_done "sibling, --allow-unlink" "$UUID_SNAP" "$TAGS" r -
t_eq "sibling, --allow-unlink: sib has no origin now" "$(lvf sib 4)" ""
t_ne "sibling, --allow-unlink: sib still there" "$(lvf sib 1)" "<none>"
t_eq "sibling, --allow-unlink: sib's content unchanged" "$(lv_sha sib)" "$SHA_SIB"

# --- 5) pool data above activation/thin_pool_autoextend_threshold ---------------------
vm_log "section 5 at ${SECONDS} s"
rm -rf "$CONF"
cp -a "$LVM_SYSTEM_DIR" "$CONF"
printf '\nactivation { thin_pool_autoextend_threshold = 50 }\n' >>"$CONF/lvm.conf"
t_eq "threshold: the private configuration says 50" \
    "$(LVM_SYSTEM_DIR=$CONF lvmconfig --typeconfig full activation/thin_pool_autoextend_threshold 2>&1)" \
    "thin_pool_autoextend_threshold=50"
q lvcreate -y -V 16M --thinpool pool -n filler "$VG"
dd if=/dev/zero of="/dev/$VG/filler" bs=1M count=16 oflag=direct status=none
dirty 6
SHA_D=$(vm_sha "/dev/$VG/data")
SHA_S=$(lv_sha snap)
POOL_PCT=$(lvs --noheadings -o data_percent "$VG/pool" | tr -d ' ')
vm_log "pool data in use: $POOL_PCT%"
if awk -v p="$POOL_PCT" 'BEGIN { exit !(p > 55 && p < 95) }'; then t_ok "threshold: pool data between 55% and 95% in use ($POOL_PCT%)"; else
    t_fail "threshold: pool data between 55% and 95% in use" "data_percent $POOL_PCT"; fi
STATE=$(lv_state)
LVM_SYSTEM_DIR=$CONF rev -y "$VG/data" "$VG/snap"
t_eq "threshold: exit 4" "$REV_RC" 4
vm_show_revert
t_egrep "threshold: message" \
    "^lvm-revert: .*thin pool $VG/pool has [0-9]+(\.[0-9]+)?% of its data in use, above activation/thin_pool_autoextend_threshold \(50%\), so LVM would not create the copy the reset needs; nothing was changed" "$REV_ERR"
SAID=$(sed -nE "s|.*thin pool $VG/pool has ([0-9.]+)% of its data.*|\1|p" "$REV_ERR" | head -1)
if [[ -n $SAID ]] && awk -v a="$SAID" -v b="$POOL_PCT" 'BEGIN { d = a - b; exit !(d < 0.1 && d > -0.1) }'; then
    t_ok "threshold: the percentage is lvs's ($SAID% ~ $POOL_PCT%)"; else
    t_fail "threshold: the percentage is lvs's" "said '$SAID', lvs $POOL_PCT"; fi
t_unchanged "threshold" "$STATE" "$SHA_D" "$SHA_S"
# The premise: LVM itself would refuse the copy here.
if LVM_SYSTEM_DIR=$CONF lvcreate -q -y -s -n probe "$VG/snap" >/tmp/thinvg.probe 2>&1; then
    t_fail "threshold: LVM itself refuses a thin snapshot in this pool" "$(cat /tmp/thinvg.probe)"
    q lvremove -y "$VG/probe"
else
    t_grep "threshold: LVM itself refuses a thin snapshot in this pool" "reached threshold" /tmp/thinvg.probe
fi
q lvremove -y "$VG/filler"
rm -rf "$CONF"

# --- 6) SIGKILL after each step, then the same command again ---------------------------
vm_log "section 6 at ${SECONDS} s"
seed=10
for STAGE in thin-copy thin-merge thin-rename; do
    seed=$((seed + 1))
    dirty "$seed"
    SHA_D=$(vm_sha "/dev/$VG/data")
    lvs_read
    UUID_SNAP=$(lvf snap 2)
    LVM_REVERT_DEBUG_PAUSE=$STAGE:60 "$LVM_REVERT" -y "$VG/data" "$VG/snap" </dev/null >/tmp/thinvg.out 2>/tmp/thinvg.err &
    RP=$!
    vm_bg_add "$RP"
    tries=600
    while ! grep -qxF "lvm-revert: debug: pausing 60s at $STAGE" /tmp/thinvg.err && kill -0 "$RP" 2>/dev/null &&
        ((tries-- > 0)); do sleep 0.2; done
    if grep -qxF "lvm-revert: debug: pausing 60s at $STAGE" /tmp/thinvg.err; then t_ok "$STAGE: paused there"; else
        t_fail "$STAGE: paused there" "$(cat /tmp/thinvg.out /tmp/thinvg.err)"; fi
    kill -KILL "$RP" 2>/dev/null || true
    rc=0
    { wait "$RP"; } 2>/dev/null || rc=$?
    t_eq "$STAGE: killed (exit 137)" "$rc" 137
    t_cmd "$STAGE: the VG lock is free" flock -n -x "/run/lock/lvm/V_$VG" true
    lvs_read
    vm_log "after the kill at $STAGE:"
    sed 's/^/#   /' "$LVS"
    case $STAGE in
    thin-copy)
        t_eq "$STAGE: snap still a snapshot of data" "$(lvf snap 4)" data
        t_eq "$STAGE: snap keeps its UUID" "$(lvf snap 2)" "$UUID_SNAP"
        t_eq "$STAGE: the copy snap_lvmrevert is a snapshot of snap" "$(lvf snap_lvmrevert 4)" snap
        t_eq "$STAGE: the copy's tags" "$(tags_of snap_lvmrevert)" "gen.2,$COPY_TAG,mytag"
        t_eq "$STAGE: origin not reset yet" "$(vm_sha "/dev/$VG/data")" "$SHA_D"
        REST="$STEP_MERGE
$STEP_RENAME
$STEP_DELTAG"
        ;;
    thin-merge)
        t_eq "$STAGE: snap merged (gone)" "$(lvf snap 1)" "<none>"
        t_eq "$STAGE: the copy is a snapshot of data now" "$(lvf snap_lvmrevert 4)" data
        t_eq "$STAGE: the copy's tags" "$(tags_of snap_lvmrevert)" "gen.2,$COPY_TAG,mytag"
        t_eq "$STAGE: origin keeps its UUID" "$(lvf data 2)" "$UUID_DATA"
        ATTR=$(lvf data 3)
        t_eq "$STAGE: origin not merging" "${ATTR:0:1}" V
        t_eq "$STAGE: origin holds A" "$(vm_sha "/dev/$VG/data")" "$SHA_A"
        REST="$STEP_RENAME
$STEP_DELTAG"
        ;;
    thin-rename)
        t_eq "$STAGE: no snap_lvmrevert" "$(lvf snap_lvmrevert 1)" "<none>"
        t_eq "$STAGE: snap (the renamed copy) a snapshot of data" "$(lvf snap 4)" data
        t_ne "$STAGE: snap has the copy's UUID" "$(lvf snap 2)" "$UUID_SNAP"
        t_eq "$STAGE: snap still tagged $COPY_TAG" "$(tags_of snap)" "gen.2,$COPY_TAG,mytag"
        t_eq "$STAGE: origin holds A" "$(vm_sha "/dev/$VG/data")" "$SHA_A"
        REST=$STEP_DELTAG
        ;;
    esac
    vm_no_suspended "$STAGE: no device suspended"
    rev -y "$VG/data" "$VG/snap"
    t_eq "$STAGE, re-run: exit 0" "$REV_RC" 0
    vm_show_revert
    t_eq "$STAGE, re-run: only the steps left" "$(plan_lines)" "$REST"
    n=$(grep -c . <<<"$REST")
    t_egrep "$STAGE, re-run: in $n LVM step(s)" "^Thin reset of $VG/data to $VG/snap \(thin pool $VG/pool\), in $n LVM steps?:\$" "$REV_OUT"
    t_grep "$STAGE, re-run: success line" "$SUCCESS" "$REV_OUT"
    t_reset_done "$STAGE, re-run" "$UUID_SNAP" "$TAGS" r -
done

# --- 7) a set: one thin, one old-style member, --format json ---------------------------
vm_log "section 7 at ${SECONDS} s"
q lvcreate -y -L 8M -n odata "$VG"
vm_fill "/dev/$VG/odata" 50 8
SHA_O=$(vm_sha "/dev/$VG/odata")
q lvcreate -y -s -c 4k -L 12M -n osnap "$VG/odata"
vm_fill "/dev/$VG/odata" 51 2 2
vm_write_blocks "/dev/$VG/odata" 51 0 1500
t_ne "set: odata changed" "$(vm_sha "/dev/$VG/odata")" "$SHA_O"
dirty 20
lvs_read
UUID_SNAP=$(lvf snap 2)
rev -y --format json "$VG/snap" "$VG/osnap"
t_eq "set: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
vm_json_load
t_json "set --format json: result reverted" result '"reverted"'
t_json "set --format json: two members" 'members.#' 2
KINDS=$(for i in 0 1; do printf '%s=%s\n' "$(vm_json "members.$i.snapshot")" "$(vm_json "members.$i.kind")"; done | sort | paste -sd' ' -)
t_eq "set --format json: members' kinds" "$KINDS" "\"$VG/osnap\"=\"old-style\" \"$VG/snap\"=\"thin\""
for i in 0 1; do
    case $(vm_json "members.$i.snapshot") in
    "\"$VG/snap\"")
        t_json "set --format json: thin member reverted" "members.$i.result" '"reverted"'
        t_json "set --format json: thin member origin" "members.$i.origin" "\"$VG/data\""
        t_json "set --format json: thin member wrote 0 bytes" "members.$i.bytes_written" 0
        ;;
    "\"$VG/osnap\"")
        t_json "set --format json: old-style member reverted" "members.$i.result" '"reverted"'
        t_json "set --format json: old-style member origin" "members.$i.origin" "\"$VG/odata\""
        W=$(vm_json "members.$i.bytes_written")
        if [[ $W =~ ^[1-9][0-9]*$ ]]; then t_ok "set --format json: old-style member wrote $W bytes"; else
            t_fail "set --format json: old-style member wrote bytes" "bytes_written $W"; fi
        ;;
    esac
done
t_reset_done "set, thin member" "$UUID_SNAP" "$TAGS" r -
t_eq "set, old-style member: odata holds osnap's content" "$(vm_sha "/dev/$VG/odata")" "$SHA_O"
t_eq "set, old-style member: osnap unchanged" "$(vm_sha "/dev/$VG/osnap")" "$SHA_O"
t_snap_valid "set, old-style member: osnap valid" "$VG" osnap
t_eq "set, old-style member: osnap still a snapshot of odata" "$(lvf osnap 4)" odata

vm_log "end at ${SECONDS} s"
vm_cleanup_vg "$VG"
t_done
