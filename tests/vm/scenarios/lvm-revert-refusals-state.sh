#!/usr/bin/env bash
# Refusals of the LVM form that depend on the state of the LVs (invalid
# snapshot, inactive origin, merge pending, what only a copy does asked of a
# thin snapshot; thin resets: lvm-revert-thin.sh): exit 4, a
# "lvm-revert: " error naming the reason, the origin byte-identical afterwards
# and no device left suspended. Names, command line, open and mounted
# devices: lvm-revert-refusals.sh.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=statevg
vm_make_vg "$VG" "$(vm_disk 0)"
lvcreate -q -y -L 8M -n data "$VG" >/dev/null
vm_fill "/dev/$VG/data" 1 8
lvcreate -q -y -s -c 4k -L 12M -n snap "$VG/data" >/dev/null
vm_fill "/dev/$VG/data" 2 1 3
vm_write_blocks "/dev/$VG/data" 3 0 1000 2047

O=/dev/$VG/data

# --- an invalid snapshot -----------------------------------------------------
# 4 MiB of 4 KiB chunks hold about 1000 chunks; writing 6 MiB overflows it.
lvcreate -q -y -s -c 4k -L 4M -n tiny "$VG/data" >/dev/null
vm_fill "/dev/$VG/data" 4 6 2
TINY_STATUS=$(dmsetup status "$VG-tiny")
t_eq "setup: kernel invalidated the small snapshot" "$TINY_STATUS" "0 16384 snapshot Invalid"
vm_log "invalid snapshot: lvs attr $(lvs --noheadings -o lv_attr "$VG/tiny" | tr -d ' '), dmsetup status: $TINY_STATUS"
t_refused "invalid snapshot" "$O" -y "$VG/data" "$VG/tiny"
t_grep "invalid snapshot: message" "is invalid" "$REV_ERR"
lvremove -q -y "$VG/tiny" >/dev/null

# --- inactive origin (deactivating an origin deactivates its snapshots) -----
SHA_BEFORE=$(vm_sha "$O")
lvchange -q -an "$VG/data"
vm_revert -y "$VG/data" "$VG/snap"
t_eq "inactive origin: exit 4" "$REV_RC" 4
vm_show_revert
t_grep "inactive origin: says not active" "is not active" "$REV_ERR"
t_grep "inactive origin: suggests lvchange -ay" "lvchange -ay" "$REV_ERR"
vm_no_suspended "inactive origin: no device suspended"
t_eq "inactive origin: still inactive" "$(lvs --noheadings -o lv_active "$VG/data" | tr -d ' ')" ""
lvchange -q -ay "$VG/data"
t_eq "inactive origin: origin unchanged" "$(vm_sha "$O")" "$SHA_BEFORE"

# --- a sibling's merge pending: on the next activation LVM would merge that
# sibling over whatever the revert wrote -------------------------------------
lvcreate -q -y -s -c 4k -L 4M -n msib "$VG/data" >/dev/null
vm_write_blocks "/dev/$VG/data" 12 5 6
vm_hold_open "$O"
lvconvert --merge "$VG/msib" >/tmp/statevg-merge.out 2>&1 || true
vm_release "$VM_HOLD_PID"
t_grep "setup: sibling merge delayed" "Delaying merge since origin is open" /tmp/statevg-merge.out
t_refused "sibling merge pending" "$O" -y "$VG/data" "$VG/snap"
t_grep "sibling merge pending: mentions the merge" "merge" "$REV_ERR"
t_grep "sibling merge pending: names the merging sibling" "$VG/msib" "$REV_ERR"
lvchange -q -an "$VG/data"
lvchange -q -ay "$VG/data"
if vm_wait_lv_gone "$VG/msib" 60; then t_ok "cleanup: sibling merged on activation"; else
    t_fail "cleanup: sibling merged on activation" "$(lvs -a "$VG" 2>&1)"; fi

# --- merge pending ----------------------------------------------------------
lvcreate -q -y -L 8M -n m "$VG" >/dev/null
vm_fill "/dev/$VG/m" 5 8
lvcreate -q -y -s -c 4k -L 4M -n msnap "$VG/m" >/dev/null
vm_fill "/dev/$VG/m" 6 1 2
SHA_MSNAP=$(vm_sha "/dev/$VG/msnap")
vm_hold_open "/dev/$VG/m"
lvconvert --merge "$VG/msnap" >/tmp/statevg-merge.out 2>&1 || true
sed 's/^/# lvconvert: /' /tmp/statevg-merge.out
t_grep "setup: merge delayed" "Delaying merge since origin is open" /tmp/statevg-merge.out
vm_release "$VM_HOLD_PID"
vm_log "merge pending: lvs $(lvs -a --noheadings -o lv_name,lv_attr,lv_merging "$VG" | tr -s ' ' | tr '\n' ';')"
t_eq "setup: lvs says merging" "$(lvs --noheadings -o lv_merging "$VG/m" | tr -d ' ')" merging
t_refused "merge pending" "/dev/$VG/m" -y "$VG/m" "$VG/msnap"
t_grep "merge pending: mentions the merge" "merge" "$REV_ERR"
t_grep "merge pending: pending or running" "pending or running" "$REV_ERR"
# Let LVM finish the merge: it starts on the next activation.
lvchange -q -an "$VG/m"
lvchange -q -ay "$VG/m"
if vm_wait_lv_gone "$VG/msnap" 60; then t_ok "cleanup: merge finished on activation"; else
    t_fail "cleanup: merge finished on activation" "$(lvs -a "$VG" 2>&1)"; fi
t_eq "cleanup: merged origin equals the snapshot" "$(vm_sha "/dev/$VG/m")" "$SHA_MSNAP"
lvremove -q -y "$VG/m" >/dev/null

# --- thin snapshot -----------------------------------------------------------
if modprobe dm-thin-pool 2>/tmp/statevg-modprobe.err &&
    lvcreate -q -y --type thin-pool -L 16M -n pool "$VG" >/dev/null 2>/tmp/statevg-pool.err; then
    lvcreate -q -y -V 16M -T "$VG/pool" -n thin >/dev/null 2>&1
    vm_fill "/dev/$VG/thin" 7 4
    lvcreate -q -y -s -n tsnap "$VG/thin" >/dev/null 2>&1
    lvchange -q -ay -K "$VG/tsnap"
    vm_fill "/dev/$VG/thin" 8 1 1
    vm_log "thin: lvs $(lvs --noheadings -o lv_name,lv_attr,origin,segtype,lv_role "$VG/thin" "$VG/tsnap" | tr -s ' ' | tr '\n' ';')"
    # A thin snapshot is reset by LVM's merge (lvm-revert-thin.sh); what only
    # a copy from a -cow store can do is refused for it.
    t_refused "thin snapshot, --remove-snapshot" "/dev/$VG/thin" -y --remove-snapshot "$VG/thin" "$VG/tsnap"
    t_grep "thin snapshot: says why" \
        "is a thin snapshot, which lvm-revert resets with LVM's merge: --backup, --backup-snapshot, --remove-snapshot and --format dd work on old-style snapshots" "$REV_ERR"
    t_eq "thin snapshot: still there" "$(lvs --noheadings -o origin "$VG/tsnap" | tr -d ' ')" thin
else
    t_ok "thin snapshot # SKIP no thin pool in the guest: $(cat /tmp/statevg-modprobe.err /tmp/statevg-pool.err 2>/dev/null | head -3)"
fi

vm_cleanup_vg "$VG"
t_done
