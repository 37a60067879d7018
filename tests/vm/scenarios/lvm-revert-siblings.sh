#!/usr/bin/env bash
# An origin with more than one snapshot. Reverting to A must leave every
# other snapshot showing what it showed before (the chunks A restores are
# saved into them first), and refuse when one of them has too little room
# left, unless --allow-invalidate.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=sibvg
vm_make_vg "$VG" "$(vm_disk 0)"
lvcreate -q -y -L 32M -n data "$VG" >/dev/null
vm_fill "/dev/$VG/data" 1 32
SHA0=$(vm_sha "/dev/$VG/data")
lvcreate -q -y -s -c 4k -L 16M -n a "$VG/data" >/dev/null

# W1, then B (another chunk size), then W2 overlapping W1 and elsewhere.
vm_fill "/dev/$VG/data" 2 4 4
vm_write_blocks "/dev/$VG/data" 3 17 5000 8190
lvcreate -q -y -s -c 64k -L 16M -n b "$VG/data" >/dev/null
SHA_B=$(vm_sha "/dev/$VG/b")
vm_fill "/dev/$VG/data" 4 2 6
vm_fill "/dev/$VG/data" 5 2 20
vm_write_blocks "/dev/$VG/data" 6 17 18 6000
t_eq "A shows the original" "$(vm_sha "/dev/$VG/a")" "$SHA0"
t_eq "B shows the state it was made in" "$(vm_sha "/dev/$VG/b")" "$SHA_B"
SHA_W=$(vm_sha "/dev/$VG/data")

vm_revert --dry-run --json "$VG/data" "$VG/a"
t_eq "dry run with a sibling: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
sed 's/^/# json: /' "$REV_OUT" | cut -c1-800
vm_json_load
t_json "dry run: sibling B listed, no overflow" "siblings.$VG/b.would_overflow" false
t_eq "dry run: origin unchanged" "$(vm_sha "/dev/$VG/data")" "$SHA_W"

vm_revert -y "$VG/data" "$VG/a"
t_eq "revert to A: exit 0" "$REV_RC" 0
vm_show_revert
t_eq "revert to A: origin equals A" "$(vm_sha "/dev/$VG/data")" "$SHA0"
t_eq "revert to A: A unchanged" "$(vm_sha "/dev/$VG/a")" "$SHA0"
t_eq "revert to A: B unchanged" "$(vm_sha "/dev/$VG/b")" "$SHA_B"
t_snap_valid "revert to A: A valid" "$VG" a
t_snap_valid "revert to A: B valid" "$VG" b
vm_no_suspended "revert to A: no device suspended"

# And back to B: A must keep its view too.
vm_revert -y "$VG/data" "$VG/b"
t_eq "revert to B: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_eq "revert to B: origin equals B" "$(vm_sha "/dev/$VG/data")" "$SHA_B"
t_eq "revert to B: A unchanged" "$(vm_sha "/dev/$VG/a")" "$SHA0"
t_snap_valid "revert to B: A valid" "$VG" a
vm_no_suspended "revert to B: no device suspended"
lvremove -q -y "$VG/b" >/dev/null

# A sibling with too little room: A holds >= 1536 exceptions (6 MiB of 4 KiB
# chunks), all of which differ from the origin again after W3; C is a fresh
# 4 MiB store of 4 KiB chunks (1024 chunks, header and metadata included), so
# saving what a revert to A overwrites cannot fit.
vm_fill "/dev/$VG/data" 7 4 4
vm_fill "/dev/$VG/data" 8 2 20
SHA_W3=$(vm_sha "/dev/$VG/data")
lvcreate -q -y -s -c 4k -L 4M -n c "$VG/data" >/dev/null
SHA_C=$(vm_sha "/dev/$VG/c")
t_ne "C differs from A" "$SHA_C" "$SHA0"
C_USED=$(vm_snap_used "$VG" c)

vm_revert --dry-run "$VG/data" "$VG/a"
t_eq "overflow, dry run: exit 4" "$REV_RC" 4
t_grep "overflow, dry run: would overflow" "would overflow" "$REV_OUT" "$REV_ERR"
vm_revert --dry-run --json "$VG/data" "$VG/a"
t_eq "overflow, dry run --json: exit 4" "$REV_RC" 4
sed 's/^/# json: /' "$REV_OUT" | cut -c1-800
vm_json_load
t_json "overflow, dry run --json: C would overflow" "siblings.$VG/c.would_overflow" true

vm_revert -y "$VG/data" "$VG/a"
t_eq "overflow: exit 4" "$REV_RC" 4
vm_show_revert
t_grep "overflow: says would overflow" "would overflow" "$REV_ERR"
t_grep "overflow: suggests lvextend" "lvextend" "$REV_ERR"
t_grep "overflow: mentions --allow-invalidate" "--allow-invalidate" "$REV_ERR"
t_eq "overflow: origin unchanged" "$(vm_sha "/dev/$VG/data")" "$SHA_W3"
t_eq "overflow: C unchanged" "$(vm_sha "/dev/$VG/c")" "$SHA_C"
t_eq "overflow: C store unchanged" "$(vm_snap_used "$VG" c)" "$C_USED"
t_snap_valid "overflow: C still valid" "$VG" c
vm_no_suspended "overflow: no device suspended"

vm_revert -y --allow-invalidate "$VG/data" "$VG/a"
t_eq "--allow-invalidate: exit 0" "$REV_RC" 0
vm_show_revert
t_eq "--allow-invalidate: origin equals A" "$(vm_sha "/dev/$VG/data")" "$SHA0"
t_snap_valid "--allow-invalidate: A valid" "$VG" a
vm_no_suspended "--allow-invalidate: no device suspended"
C_STATUS=$(dmsetup status "$(vm_dm_name "$VG" c)")
vm_log "C after --allow-invalidate: dmsetup status: $C_STATUS; lvs attr: $(lvs --noheadings -o lv_attr "$VG/c" | tr -d ' ')"
# Either the kernel invalidated C, or C still shows what it showed; a valid C
# with changed content would be silent corruption.
if [[ $C_STATUS == *Invalid* ]]; then
    t_ok "--allow-invalidate: C was invalidated (not silently changed)"
    t_eq "--allow-invalidate: lvs marks C invalid" \
        "$(lvs --noheadings -o lv_attr "$VG/c" | tr -d ' ' | cut -c5)" I
else
    t_eq "--allow-invalidate: C still valid and unchanged" "$(vm_sha "/dev/$VG/c")" "$SHA_C"
fi

vm_cleanup_vg "$VG"
t_done
