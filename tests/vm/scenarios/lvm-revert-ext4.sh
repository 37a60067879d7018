#!/usr/bin/env bash
# A filesystem on the origin: files changed, deleted and added after the
# snapshot are back as they were after the revert, and fsck finds nothing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=fsvg
MNT=/tmp/fsvg-mnt
mkdir -p "$MNT"
vm_make_vg "$VG" "$(vm_disk 0)"
lvcreate -q -y -L 32M -n data "$VG" >/dev/null
mkfs.ext4 -q -E lazy_itable_init=0,lazy_journal_init=0 "/dev/$VG/data"

# manifest: sha256 and size of every file, plus the directory tree.
manifest() { (cd "$MNT" && find . -path ./lost+found -prune -o -print | sort && find . -type f ! -path './lost+found/*' -print0 | sort -z | xargs -0 -r sha256sum); }

mount "/dev/$VG/data" "$MNT"
mkdir -p "$MNT/dir/sub" "$MNT/gone"
for i in 1 2 3 4 5 6; do head -c $((i * 37000)) /dev/urandom >"$MNT/dir/f$i"; done
head -c 3M /dev/urandom >"$MNT/big"
echo "small text" >"$MNT/dir/sub/note.txt"
ln -s ../big "$MNT/dir/link"
head -c 200000 /dev/urandom >"$MNT/gone/victim"
M0=$(manifest)
umount "$MNT"

lvcreate -q -y -s -c 4k -L 16M -n snap "$VG/data" >/dev/null
mount "/dev/$VG/data" "$MNT"
dd if=/dev/urandom of="$MNT/big" bs=4k count=16 seek=100 conv=notrunc status=none   # overwrite inside
head -c 70000 /dev/urandom >>"$MNT/dir/f2"                                              # append
: >"$MNT/dir/f3"                                                                         # truncate
rm -rf "$MNT/gone" "$MNT/dir/f5"                                                         # delete
mv "$MNT/dir/f6" "$MNT/dir/sub/f6-moved"                                                 # rename
head -c 2M /dev/urandom >"$MNT/new-file"                                                 # add
mkdir "$MNT/newdir" && echo x >"$MNT/newdir/y"
M1=$(manifest)
umount "$MNT"
t_ne "files changed after the snapshot" "$M1" "$M0"

SNAP_SHA=$(vm_sha "/dev/$VG/snap")
vm_revert -y "$VG/data" "$VG/snap"
t_eq "revert: exit 0" "$REV_RC" 0
vm_show_revert
t_eq "revert: origin equals the snapshot" "$(vm_sha "/dev/$VG/data")" "$SNAP_SHA"
vm_no_suspended "revert: no device suspended"
t_cmd "fsck.ext4 -n -f: clean" fsck.ext4 -n -f "/dev/$VG/data"
mount "/dev/$VG/data" "$MNT"
t_eq "files as they were at snapshot time" "$(manifest)" "$M0"

# Use it, then go back once more.
rm -rf "$MNT/dir"
head -c 1M /dev/urandom >"$MNT/again"
umount "$MNT"
vm_revert -y "$VG/data" "$VG/snap"
t_eq "second revert: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_cmd "second revert: fsck.ext4 -n -f clean" fsck.ext4 -n -f "/dev/$VG/data"
mount "/dev/$VG/data" "$MNT"
t_eq "second revert: files as they were at snapshot time" "$(manifest)" "$M0"
umount "$MNT"
t_snap_valid "snapshot still valid" "$VG" snap

vm_cleanup_vg "$VG"
t_done
