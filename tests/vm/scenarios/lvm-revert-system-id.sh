#!/usr/bin/env bash
# A VG with an LVM system ID (lvmsystemid(7)): the owner reverts it; another
# host is refused in lvm-revert's own words (exit 4, the origin and the tags
# as they were), for the revert, its dry run and --at-next-boot; with the
# owner in local/extra_system_ids it works. An exported VG is refused.
# The guest's /etc is read-only: LVM reads its configuration from a copy
# (LVM_SYSTEM_DIR), which lvm-revert's own LVM commands inherit.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

export LVM_SYSTEM_DIR=/tmp/lvm-system-id
mkdir -p "$LVM_SYSTEM_DIR"
sed 's/^\s*# system_id_source = .*/\tsystem_id_source = "lvmlocal"/' /etc/lvm/lvm.conf \
    >"$LVM_SYSTEM_DIR/lvm.conf"
be_host() {  # be_host ID [EXTRA_ID]: this host's system ID, and an extra one
    {
        echo "local {"
        echo "  system_id = \"$1\""
        [[ -z ${2:-} ]] || echo "  extra_system_ids = [ \"$2\" ]"
        echo "}"
    } >"$LVM_SYSTEM_DIR/lvmlocal.conf"
}

VG=sidvg
be_host hosta
t_eq "setup: this host is hosta" "$(lvm systemid | sed 's/.*: *//')" hosta
vm_make_vg "$VG" "$(vm_disk 0)"
t_eq "setup: the VG belongs to hosta" "$(vgs --noheadings -o systemid "$VG" | tr -d ' ')" hosta
lvcreate -q -y -L 8M -n data "$VG" >/dev/null
vm_fill "/dev/$VG/data" 1 8
lvcreate -q -y -s -c 4k -L 8M -n snap "$VG/data" >/dev/null
vm_write_blocks "/dev/$VG/data" 2 0 7 100 1500
O=/dev/$VG/data
SNAP_SHA=$(vm_sha "/dev/$VG/snap")

# --- another host --------------------------------------------------------------
be_host hostb
OWNED="lvm-revert: $VG belongs to host \"hosta\"; this host is \"hostb\" (LVM system ID)"
TAGS_BEFORE=$(lvs --foreign --noheadings -o lv_tags "$VG/snap" | tr -d ' ')
for mode in "-y" "--dry-run" "--at-next-boot"; do
    t_refused "hostb, $mode" "$O" "$mode" "$VG/data" "$VG/snap"
    t_grep "hostb, $mode: names the owner and this host" "$OWNED" "$REV_ERR"
    t_eq "hostb, $mode: tags unchanged" \
        "$(lvs --foreign --noheadings -o lv_tags "$VG/snap" | tr -d ' ')" "$TAGS_BEFORE"
done
vm_revert -v --dry-run "$VG/data" "$VG/snap"
t_grep "hostb, -v: names the IDs" \
    "volume group $VG: system ID hosta, lock type none; this host's system ID hostb" "$REV_ERR"

# --- hosta among this host's extra system IDs ------------------------------------
be_host hostb hosta
vm_revert -y "$VG/data" "$VG/snap"
t_eq "extra_system_ids: exit 0" "$REV_RC" 0
[[ $REV_RC == 0 ]] || vm_show_revert
t_eq "extra_system_ids: origin equals the snapshot" "$(vm_sha "$O")" "$SNAP_SHA"
t_snap_valid "extra_system_ids: snapshot still valid" "$VG" snap

# --- exported -------------------------------------------------------------------
be_host hosta
vm_write_blocks "$O" 3 0 9
lvchange -q -an "$VG"
vgexport "$VG" >/dev/null
vm_revert -y "$VG/data" "$VG/snap"
t_eq "exported: exit 4" "$REV_RC" 4
t_grep "exported: says so" "lvm-revert: volume group $VG is exported (vgexport): import it first (vgimport $VG)" "$REV_ERR"
vgimport "$VG" >/dev/null
lvchange -q -ay "$VG/data"
t_ne "exported: origin not reverted" "$(vm_sha "$O")" "$SNAP_SHA"

# The suite's clean-up runs without this configuration, as a host with no
# system ID, which cannot remove a VG that has one.
lvchange -q -an "$VG"
vgremove -ff -y "$VG" >/dev/null
t_done
