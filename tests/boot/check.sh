#!/usr/bin/env bash
# Runs in the run-in-vm.sh guest after the boots: what each case's disk must
# hold now (tags, a valid and unchanged snapshot, the reverted /home).
#
#   check.sh PREP CASE...      (the same CASE list, in disk order, as prep.sh)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../vm/guest-lib.sh"
. "$here/system-ids.sh"
PREP=$1
shift

# Some VGs belong to the images' hosts: this guest checks each as its
# owner (LVM activates no VG of another host, extra_system_ids or not).
export LVM_SYSTEM_DIR=/tmp/bt-check-lvm
mkdir -p "$LVM_SYSTEM_DIR"
sed 's/^\s*# system_id_source = .*/\tsystem_id_source = "lvmlocal"/' /etc/lvm/lvm.conf \
    >"$LVM_SYSTEM_DIR/lvm.conf"
be_host() { printf 'local {\n  system_id = "%s"\n}\n' "$1" >"$LVM_SYSTEM_DIR/lvmlocal.conf"; }

tags_of() { lvs --noheadings -o lv_tags "$1" | tr -d ' '; }
# plain_tags VG/LV: its tags but a set's (lvm_revert_set_*, which the boot
# may leave), sorted, space-separated.
plain_tags() {
    lvs --noheadings -o lv_tags "$1" | tr -d ' ' | tr ',' '\n' | sed '/^$/d;/^lvm_revert_set_/d' |
        sort | paste -sd' '
}
# no_next_boot NAME VG/SNAP: ok if SNAP no longer carries lvm_revert_next_boot.
no_next_boot() {
    if [[ ",$(tags_of "$2")," == *,lvm_revert_next_boot,* ]]; then
        t_fail "$1" "tags of $2: $(tags_of "$2")"
    else
        t_ok "$1"
    fi
}

disk=0
for case_name in "$@"; do
    vg=bt$disk
    disk=$((disk + 1))
    id=$(bt_system_id "$case_name")
    be_host "${id:-bt-check}"
    vgchange -q -ay "$vg" >/dev/null
    vm_mknodes
    case $case_name in
        next-boot | write-failure | dracut | cmdline | rescue | cut-next-boot | cut-cmdline | dracut-systemd)
            t_eq "$case_name: no schedule tag left, no revert marked under way" "$(tags_of "$vg/snap")" "" ;;
        system-id)
            # The set of root and var, reverted: the next-boot tag consumed on
            # both snapshots (whether the set's tag stays is not checked).
            echo "# $case_name: tags after the boot: snap '$(tags_of "$vg/snap")', varsnap '$(tags_of "$vg/varsnap")'"
            no_next_boot "$case_name: set: lvm_revert_next_boot gone from snap" "$vg/snap"
            no_next_boot "$case_name: set: lvm_revert_next_boot gone from varsnap" "$vg/varsnap"
            t_eq "$case_name: set: snap has no other tag of lvm-revert's left" "$(plain_tags "$vg/snap")" ""
            t_eq "$case_name: set: varsnap has no other tag of lvm-revert's left" "$(plain_tags "$vg/varsnap")" ""
            t_eq "$case_name: set: var holds varsnap's content" "$(vm_sha "/dev/$vg/var")" \
                "$(cat "$PREP/$vg.var-goal")"
            t_snap_valid "$case_name: set: varsnap still valid" "$vg" varsnap
            t_eq "$case_name: set: varsnap unchanged" "$(vm_sha "/dev/$vg/varsnap")" "$(cat "$PREP/$vg.var-goal")"
            ;;
        two-schedules)
            t_eq "$case_name: snap tagged refused" "$(tags_of "$vg/snap")" lvm_revert_refused
            t_eq "$case_name: zbase tagged refused" "$(tags_of "$vg/zbase")" lvm_revert_refused
            t_snap_valid "$case_name: zbase still valid" "$vg" zbase
            ;;
        every-boot)
            t_eq "$case_name: the every-boot tag stays" "$(tags_of "$vg/snap")" lvm_revert_every_boot ;;
        off)
            t_eq "$case_name: the tag stays for the next boot" "$(tags_of "$vg/snap")" lvm_revert_next_boot ;;
        refused)
            t_eq "$case_name: tagged refused instead" "$(tags_of "$vg/snap")" lvm_revert_refused ;;
        home)
            # The set of root and var, refused (varsnap invalid): every
            # member tagged refused instead, var as prep left it.
            echo "# $case_name: tags after the boot: snap '$(tags_of "$vg/snap")', varsnap '$(tags_of "$vg/varsnap")'"
            no_next_boot "$case_name: set: lvm_revert_next_boot gone from snap" "$vg/snap"
            no_next_boot "$case_name: set: lvm_revert_next_boot gone from varsnap" "$vg/varsnap"
            t_eq "$case_name: set: snap (root's, valid) tagged refused" "$(plain_tags "$vg/snap")" lvm_revert_refused
            t_eq "$case_name: set: varsnap (invalid) tagged refused" "$(plain_tags "$vg/varsnap")" lvm_revert_refused
            t_eq "$case_name: set: var unchanged" "$(vm_sha "/dev/$vg/var")" "$(cat "$PREP/$vg.var-left")"
            lvchange -q -ay "$vg/home"
            vm_mknodes
            t_eq "$case_name: homesnap's tag is gone" "$(tags_of "$vg/homesnap")" ""
            t_eq "$case_name: /home holds the snapshot's content" "$(vm_sha "/dev/$vg/home")" \
                "$(cat "$PREP/$vg.home-goal")"
            t_snap_valid "$case_name: homesnap still valid" "$vg" homesnap
            ;;
    esac
    if [[ $case_name == refused ]]; then
        t_ok "$case_name: the snapshot was invalid (not compared)"
    else
        t_snap_valid "$case_name: snapshot still valid" "$vg" snap
        t_eq "$case_name: snapshot unchanged" "$(vm_sha "/dev/$vg/snap")" "$(cat "$PREP/$vg.snap-sha")"
    fi
    vgchange -q -an "$vg" >/dev/null
done
t_done
