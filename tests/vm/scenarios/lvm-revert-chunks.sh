#!/usr/bin/env bash
# Chunk sizes at both ends of what lvcreate allows (4 KiB and 512 KiB); a
# snapshot that was itself written to (the revert must give the snapshot's
# current content, not the content it was created with); an origin whose
# size is not a multiple of the chunk size (the last chunk is partial); an
# origin extended after the snapshot was taken (the snapshot is shorter).
# The VG has 1 KiB extents so that LV sizes need not be whole MiB.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=chunkvg
pvcreate -q -ff -y "$(vm_disk 0)" >/dev/null
vgcreate -q -s 1k "$VG" "$(vm_disk 0)" >/dev/null
lvcreate -q -y -L 32M -n data "$VG" >/dev/null
vm_fill "/dev/$VG/data" 1 32

# revert_to SNAP LABEL: revert data to SNAP and check it against the
# snapshot's content just before.
revert_to() {
    local snap=$1 label=$2 want
    want=$(vm_sha "/dev/$VG/$snap")
    t_ne "$label: origin differs from the snapshot before" "$(vm_sha "/dev/$VG/data")" "$want"
    vm_revert -y "$VG/data" "$VG/$snap"
    t_eq "$label: exit 0" "$REV_RC" 0
    [[ $REV_RC == 0 ]] || vm_show_revert
    t_eq "$label: origin equals the snapshot" "$(vm_sha "/dev/$VG/data")" "$want"
    t_eq "$label: snapshot unchanged" "$(vm_sha "/dev/$VG/$snap")" "$want"
    t_snap_valid "$label: snapshot still valid" "$VG" "$snap"
    vm_no_suspended "$label: no device suspended"
}

for c in 4k 512k; do
    lvcreate -q -y -s -c "$c" -L 16M -n "s$c" "$VG/data" >/dev/null
    t_eq "chunk $c: lvs agrees" \
        "$(lvs --noheadings --units k --nosuffix -o chunk_size "$VG/s$c" | tr -d ' ')" "${c%k}.00"
    # Single blocks (in the first, the last and partly written 512 KiB
    # chunks) and a run that starts and ends off a 512 KiB boundary.
    vm_write_blocks "/dev/$VG/data" 2 0 130 131 1000 4000 8191
    vm_fill "/dev/$VG/data" 3 3 9
    vm_write_blocks "/dev/$VG/data" 4 $((12 * 256 + 1)) $((17 * 256 - 1))
    revert_to "s$c" "chunk $c"
    lvremove -q -y "$VG/s$c" >/dev/null
done

# A snapshot written to: whole 4 KiB writes on chunks the origin already
# saved, on chunks it did not save, and a write smaller than a chunk (16 KiB
# chunks, so the kernel copies the rest of the chunk from the origin first).
lvcreate -q -y -s -c 16k -L 16M -n wsnap "$VG/data" >/dev/null
vm_fill "/dev/$VG/data" 5 2 4
vm_write_blocks "/dev/$VG/data" 6 7000 7001
vm_write_blocks "/dev/$VG/wsnap" 7 1024 1030 7000 3000 3001 3002 3003
dd if=/dev/zero of="/dev/$VG/wsnap" bs=512 seek=$((20 * 2048 + 3)) count=5 oflag=direct conv=notrunc status=none
ORIG_SHA=$(vm_sha "/dev/$VG/data")
lvs --noheadings -o snap_percent "$VG/wsnap" | sed 's/^ */# wsnap data%: /'
t_ne "written snapshot: differs from the origin" "$(vm_sha "/dev/$VG/wsnap")" "$ORIG_SHA"
revert_to wsnap "written snapshot"

lvremove -q -y "$VG/wsnap" >/dev/null

# An origin of 8 MiB + 1 KiB with 512 KiB chunks: its last chunk holds 1 KiB.
lvcreate -q -y -L 8193k -n odd "$VG" >/dev/null
vm_fill "/dev/$VG/odd" 8 8
dd if=/dev/urandom of="/dev/$VG/odd" bs=1k seek=8192 count=1 oflag=direct status=none
lvcreate -q -y -s -c 512k -L 8M -n oddsnap "$VG/odd" >/dev/null
t_eq "odd size: snapshot as long as the origin" \
    "$(blockdev --getsize64 "/dev/$VG/oddsnap")" "$(blockdev --getsize64 "/dev/$VG/odd")"
vm_write_blocks "/dev/$VG/odd" 9 0 700 2047
dd if=/dev/urandom of="/dev/$VG/odd" bs=1k seek=8192 count=1 oflag=direct status=none
want=$(vm_sha "/dev/$VG/oddsnap")
t_ne "odd size: origin differs from the snapshot" "$(vm_sha "/dev/$VG/odd")" "$want"
vm_revert -y "$VG/odd" "$VG/oddsnap"
t_eq "odd size: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_eq "odd size: origin equals the snapshot (partial last chunk included)" "$(vm_sha "/dev/$VG/odd")" "$want"
t_snap_valid "odd size: snapshot still valid" "$VG" oddsnap
vm_no_suspended "odd size: no device suspended"
lvremove -q -y "$VG/oddsnap" "$VG/odd" >/dev/null

# An origin extended (while inactive, as LVM requires) after the snapshot:
# the snapshot keeps its old length. The revert restores the first 8 MiB
# and leaves the added 3 KiB alone (the snapshot knows nothing of them).
lvcreate -q -y -L 8M -n grown "$VG" >/dev/null
vm_fill "/dev/$VG/grown" 10 8
lvcreate -q -y -s -c 64k -L 8M -n gsnap "$VG/grown" >/dev/null
lvchange -q -an "$VG/grown"
lvextend -q -L +3k "$VG/grown" >/dev/null
lvchange -q -ay "$VG/grown"
t_eq "grown: origin is 8 MiB + 3 KiB" "$(blockdev --getsize64 "/dev/$VG/grown")" $((8 * 1048576 + 3072))
t_eq "grown: snapshot still 8 MiB" "$(blockdev --getsize64 "/dev/$VG/gsnap")" $((8 * 1048576))
vm_write_blocks "/dev/$VG/grown" 11 5 1500 2047
dd if=/dev/urandom of="/dev/$VG/grown" bs=1k seek=8192 count=3 oflag=direct status=none
want=$(vm_sha "/dev/$VG/gsnap")
tail_sha=$(dd if="/dev/$VG/grown" bs=1k skip=8192 iflag=direct status=none | sha256sum | cut -d' ' -f1)
vm_revert -y "$VG/grown" "$VG/gsnap"
t_eq "grown: exit 0" "$REV_RC" 0
vm_show_revert
t_eq "grown: first 8 MiB equal the snapshot" "$(vm_sha_range "/dev/$VG/grown" 0 8)" "$want"
t_eq "grown: the added 3 KiB untouched" \
    "$(dd if="/dev/$VG/grown" bs=1k skip=8192 iflag=direct status=none | sha256sum | cut -d' ' -f1)" "$tail_sha"
t_snap_valid "grown: snapshot still valid" "$VG" gsnap
vm_no_suspended "grown: no device suspended"

vm_cleanup_vg "$VG"
t_done
