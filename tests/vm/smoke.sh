#!/usr/bin/env bash
# smoke.sh — proves that real LVM + device-mapper snapshots work in the guest.
# Run from the repository root:
#   tests/vm/run-in-vm.sh --disk 256M -- bash tests/vm/smoke.sh
set -euo pipefail
# shellcheck source=tests/vm/guest-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/guest-lib.sh"

VG=smokevg
DISK=$(vm_disk 0)
[[ -b $DISK ]] || t_bail "$DISK missing: run with --disk 256M"

vm_log "kernel $(uname -r), $(lvm version | sed -n 's/^ *LVM version: *//p' | cut -d' ' -f1), dm $(dmsetup version | sed -n 's/^Driver version: *//p')"

vm_make_vg "$VG" "$DISK"
t_ok "pvcreate + vgcreate $VG on $DISK"

lvcreate -q -y -L 64M -n origin "$VG" >/dev/null
t_cmd "/dev/mapper node for origin exists" test -b "/dev/mapper/$VG-origin"
t_cmd "/dev/$VG/origin symlink exists" test -b "/dev/$VG/origin"

vm_fill "/dev/$VG/origin" 1 64
SHA0=$(vm_sha "/dev/$VG/origin")
t_ne "origin filled with non-zero data" "$SHA0" "$(head -c 64M /dev/zero | sha256sum | cut -d' ' -f1)"

lvcreate -q -y -s -c 4k -L 16M -n snap "$VG/origin" >/dev/null
t_cmd "/dev/mapper node for snapshot exists" test -b "/dev/mapper/$VG-snap"
t_eq "snapshot chunk size is 4k" "$(lvs --noheadings --units k --nosuffix -o chunk_size "$VG/snap" | tr -d ' ')" "4.00"
USED0=$(vm_snap_used "$VG" snap)

# Write 1 MiB into the origin at offset 8 MiB: 256 chunks of 4 KiB get copied.
vm_fill "/dev/$VG/origin" 2 1 8
vm_log "dmsetup status: $(dmsetup status "$VG-snap")"
USED1=$(vm_snap_used "$VG" snap)
if [[ $USED1 -ge $((USED0 + 2048)) ]]; then
    t_ok "snapshot COW used sectors grew by >= 2048 ($USED0 -> $USED1)"
else
    t_fail "snapshot COW used sectors grew by >= 2048" "before $USED0, after $USED1"
fi

t_ne "origin changed" "$(vm_sha "/dev/$VG/origin")" "$SHA0"
t_eq "snapshot shows the old origin content" "$(vm_sha "/dev/$VG/snap")" "$SHA0"
vm_no_suspended "no dm device suspended before merge"

# Merge: origin is not open, so the merge starts at once.  Without lvmpolld
# lvconvert polls the progress itself in the foreground.
lvconvert --merge -i 1 "$VG/snap"
if vm_wait_lv_gone "$VG/snap" 300; then
    t_ok "snapshot gone after merge"
else
    t_fail "snapshot gone after merge" "$(lvs -a "$VG" 2>&1)"
fi
t_eq "origin content equals the snapshot's after merge" "$(vm_sha "/dev/$VG/origin")" "$SHA0"
t_eq "no snapshot-merge target left" "$(dmsetup table | grep -c snapshot || true)" "0"
vm_no_suspended "no dm device suspended after merge"

lvs -a -o lv_name,lv_attr,lv_size,origin,data_percent "$VG" | sed 's/^/# /'
vm_cleanup_vg "$VG"
t_done
