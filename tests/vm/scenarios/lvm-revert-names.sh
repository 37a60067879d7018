#!/usr/bin/env bash
# Names with hyphens (doubled in device-mapper names) and the other
# characters LVM allows (+ _ .), in both the VG/LV and the /dev/VG/LV form.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=my-vg
vm_make_vg "$VG" "$(vm_disk 0)"
lvcreate -q -y -L 16M -n data-1 "$VG" >/dev/null
vm_fill "/dev/$VG/data-1" 1 16
SHA0=$(vm_sha "/dev/$VG/data-1")
lvcreate -q -y -s -c 4k -L 8M -n snap-a "$VG/data-1" >/dev/null

t_cmd "dm name of the origin has doubled hyphens" test -b /dev/mapper/my--vg-data--1
t_cmd "dm name of the store has doubled hyphens" test -b /dev/mapper/my--vg-snap--a-cow
t_cmd "dm name of -real has doubled hyphens" test -b /dev/mapper/my--vg-data--1-real

vm_write_blocks "/dev/$VG/data-1" 2 3 999 4095
vm_fill "/dev/$VG/data-1" 3 2 5
t_eq "snapshot shows the original" "$(vm_sha "/dev/$VG/snap-a")" "$SHA0"
vm_revert -y "$VG/data-1" "$VG/snap-a"
t_eq "VG/LV form: exit 0" "$REV_RC" 0
vm_show_revert
t_grep "VG/LV form: names the dm device" "Reverted /dev/mapper/my--vg-data--1: wrote " "$REV_OUT"
t_eq "VG/LV form: origin equals the snapshot" "$(vm_sha "/dev/$VG/data-1")" "$SHA0"
t_snap_valid "VG/LV form: snapshot still valid" "$VG" snap-a
vm_no_suspended "VG/LV form: no device suspended"

vm_fill "/dev/$VG/data-1" 4 1 9
SHA4=$(vm_sha "/dev/$VG/data-1")
vm_revert -t "$VG/data-1" "$VG/snap-a"
t_eq "-t: exit 0" "$REV_RC" 0
t_eq "-t: origin unchanged" "$(vm_sha "/dev/$VG/data-1")" "$SHA4"
vm_revert -y --noudevsync "/dev/$VG/data-1" "/dev/$VG/snap-a"
t_eq "/dev/VG/LV form (and --noudevsync): exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_eq "/dev/VG/LV form: origin equals the snapshot" "$(vm_sha "/dev/$VG/data-1")" "$SHA0"
t_snap_valid "/dev/VG/LV form: snapshot still valid" "$VG" snap-a
vm_no_suspended "/dev/VG/LV form: no device suspended"

# The rest of LVM's name alphabet, and a name that ends in a hyphen.
lvcreate -q -y -L 8M -n "x+y_z.1-" "$VG" >/dev/null
vm_fill "/dev/$VG/x+y_z.1-" 5 8
SHA5=$(vm_sha "/dev/$VG/x+y_z.1-")
lvcreate -q -y -s -c 8k -L 4M -n "s.-_+" "$VG/x+y_z.1-" >/dev/null
t_cmd "dm name with a trailing hyphen" test -b "/dev/mapper/my--vg-x+y_z.1---real"
vm_fill "/dev/$VG/x+y_z.1-" 6 1 3
vm_revert -y "$VG/x+y_z.1-" "$VG/s.-_+"
t_eq "+ _ . and trailing hyphen: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_eq "+ _ . and trailing hyphen: origin equals the snapshot" "$(vm_sha "/dev/$VG/x+y_z.1-")" "$SHA5"
vm_no_suspended "+ _ . and trailing hyphen: no device suspended"

# A hyphenated name that is a prefix of another: my-vg/data-1 vs my-vg/data.
lvcreate -q -y -L 4M -n data "$VG" >/dev/null
vm_revert -y "$VG/data" "$VG/snap-a"
t_eq "prefix name data vs data-1: refused (exit 4)" "$REV_RC" 4
t_grep "prefix name data vs data-1: not a snapshot of it" "is not a snapshot of $VG/data" "$REV_ERR"

vm_cleanup_vg "$VG"
t_done
