#!/usr/bin/env bash
# The LVM form on a real snapshot: dry run, revert, the snapshot stays valid
# and usable, a second and a third revert (repeated reset), /dev/VG/LV and
# --json.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=basicvg
vm_make_vg "$VG" "$(vm_disk 0)"
lvcreate -q -y -L 64M -n data "$VG" >/dev/null
vm_fill "/dev/$VG/data" 1 64
SHA0=$(vm_sha "/dev/$VG/data")
lvcreate -q -y -s -c 4k -L 24M -n snap "$VG/data" >/dev/null
ORIGIN_DM=$(vm_dm_name "$VG" data)

# Scattered single 4 KiB blocks (the first and the last chunk among them),
# a 4 MiB run and a 1 MiB run.
vm_write_blocks "/dev/$VG/data" 2 0 1 7 300 4097 9999 12345 16383
vm_fill "/dev/$VG/data" 3 4 20
vm_fill "/dev/$VG/data" 4 1 50
SHA1=$(vm_sha "/dev/$VG/data")
t_ne "origin changed by the writes" "$SHA1" "$SHA0"
t_eq "snapshot shows the original" "$(vm_sha "/dev/$VG/snap")" "$SHA0"
USED=$(vm_snap_used "$VG" snap)

# --dry-run: a plan, nothing written.
vm_revert --dry-run "$VG/data" "$VG/snap"
t_eq "dry run: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_ne "dry run: prints a plan" "$(wc -c <"$REV_OUT")" 0
t_eq "dry run: origin unchanged" "$(vm_sha "/dev/$VG/data")" "$SHA1"
vm_revert --dry-run --json "$VG/data" "$VG/snap"
t_eq "dry run --json: exit 0" "$REV_RC" 0
vm_json_load
t_json "dry run --json: result dry-run" result '"dry-run"'
t_json "dry run --json: an empty sibling list" 'siblings.#' 0
t_eq "dry run --json: origin unchanged" "$(vm_sha "/dev/$VG/data")" "$SHA1"

# The revert.
vm_revert -y "$VG/data" "$VG/snap"
t_eq "revert: exit 0" "$REV_RC" 0
vm_show_revert
t_grep "revert: says what it wrote" "Reverted /dev/mapper/$ORIGIN_DM: wrote " "$REV_OUT"
t_eq "revert: origin equals the snapshot" "$(vm_sha "/dev/$VG/data")" "$SHA0"
t_eq "revert: buffered reads of the origin agree" \
    "$(dd if="/dev/$VG/data" bs=1M status=none | sha256sum | cut -d' ' -f1)" "$SHA0"
t_eq "revert: snapshot unchanged" "$(vm_sha "/dev/$VG/snap")" "$SHA0"
t_snap_valid "revert: snapshot still valid" "$VG" snap
t_eq "revert: snapshot store did not grow" "$(vm_snap_used "$VG" snap)" "$USED"
t_eq "revert: snapshot still a snapshot of the origin" \
    "$(lvs --noheadings -o origin "$VG/snap" | tr -d ' ')" data
vm_no_suspended "revert: no device suspended"

# Repeated reset: write again (partly the same places, partly new ones), then
# revert with the /dev/VG/LV form and --json.
vm_write_blocks "/dev/$VG/data" 5 1 300 5000 16383
vm_fill "/dev/$VG/data" 6 2 21
vm_fill "/dev/$VG/data" 7 1 40
t_ne "second round: origin changed" "$(vm_sha "/dev/$VG/data")" "$SHA0"
vm_revert -y --json "/dev/$VG/data" "/dev/$VG/snap"
t_eq "second revert (/dev/VG/LV, --json): exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
sed 's/^/# json: /' "$REV_OUT" | cut -c1-600
vm_json_load
t_json "--json: result reverted" result '"reverted"'
t_json "--json: chunk_size 4096" chunk_size 4096
for k in exceptions runs bytes; do
    v=$(vm_json "$k")
    if [[ $v =~ ^[0-9]+$ ]]; then t_ok "--json: has $k"; else t_fail "--json: has $k" "$k: $v"; fi
done
t_eq "second revert: origin equals the snapshot" "$(vm_sha "/dev/$VG/data")" "$SHA0"
t_eq "second revert: snapshot unchanged" "$(vm_sha "/dev/$VG/snap")" "$SHA0"
t_snap_valid "second revert: snapshot still valid" "$VG" snap
vm_no_suspended "second revert: no device suspended"

# Nothing written since: reverting again is harmless.
vm_revert -y "$VG/data" "$VG/snap"
t_eq "third revert (no changes): exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_eq "third revert: origin equals the snapshot" "$(vm_sha "/dev/$VG/data")" "$SHA0"
t_snap_valid "third revert: snapshot still valid" "$VG" snap
vm_no_suspended "third revert: no device suspended"

# The origin keeps working as an origin: a new write is saved again.
vm_write_blocks "/dev/$VG/data" 8 2
t_eq "after the reverts the snapshot still protects its view" "$(vm_sha "/dev/$VG/snap")" "$SHA0"

vm_cleanup_vg "$VG"
t_done
