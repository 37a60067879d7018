#!/usr/bin/env bash
# Runs in the run-in-vm.sh guest after the boots: what each case's disk must
# hold now (tags, a valid and unchanged snapshot, the reverted /home, the
# set's second member var, the thin snapshots kept).
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
# but_set TAGS: the tags (tags_of's list) but a set's (lvm_revert_set_*,
# which the boot may leave), sorted, space-separated.
but_set() { tr ',' '\n' <<<"$1" | sed '/^$/d;/^lvm_revert_set_/d' | sort | paste -sd' '; }
# no_next_boot NAME VG/SNAP TAGS: ok if SNAP's TAGS lack lvm_revert_next_boot.
no_next_boot() {
    if [[ ",$3," == *,lvm_revert_next_boot,* ]]; then t_fail "$1" "tags of $2: $3"; else t_ok "$1"; fi
}
# set_tags CASE VG: each snapshot of the set of VG/root and VG/var has lost
# lvm_revert_next_boot; sets SNAP_TAGS and VARSNAP_TAGS to their tags.
set_tags() {
    SNAP_TAGS=$(tags_of "$2/snap")
    VARSNAP_TAGS=$(tags_of "$2/varsnap")
    echo "# $1: tags after the boot: snap '$SNAP_TAGS', varsnap '$VARSNAP_TAGS'"
    no_next_boot "$1: set: lvm_revert_next_boot gone from snap" "$2/snap" "$SNAP_TAGS"
    no_next_boot "$1: set: lvm_revert_next_boot gone from varsnap" "$2/varsnap" "$VARSNAP_TAGS"
}

# thin_pair CASE VG LV SNAP TAGS: SNAP is still a thin snapshot of LV, with
# the tags TAGS (comma-separated), the permission and activation skip prep
# saw, the content prep saw, and a new LV UUID (each reset gives one); LV
# kept its LV UUID.
thin_pair() {
    local c=$1 vg=$2 lv=$3 snap=$4 f uuid segtype origin attr tags
    if ! f=$(lvs --noheadings --separator '|' -o lv_uuid,segtype,origin,lv_attr,lv_tags "$vg/$snap" 2>&1); then
        t_fail "$c: $vg/$snap still exists" "$f"
        return 0
    fi
    IFS='|' read -r uuid segtype origin attr tags <<<"${f#"${f%%[! ]*}"}"
    echo "# $c: $vg/$snap: $segtype origin=$origin $attr tags=$tags"
    t_eq "$c: $snap is still a thin snapshot of $lv" "$segtype $origin" "thin $lv"
    t_eq "$c: $snap's tags" "$tags" "$5"
    t_eq "$c: $snap keeps its permission and activation skip (lv_attr[1], [9])" "${attr:1:1}${attr:9:1}" \
        "$(cat "$PREP/$vg.$snap-flags")"
    t_ne "$c: $snap has a new LV UUID" "$uuid" "$(cat "$PREP/$vg.$snap-uuid")"
    t_eq "$c: $lv keeps its LV UUID" "$(lvs --noheadings -o lv_uuid "$vg/$lv" | tr -d ' ')" \
        "$(cat "$PREP/$vg.$lv-uuid")"
    lvchange -q -ay -K "$vg/$snap"
    t_eq "$c: $snap holds what it held" "$(vm_sha "/dev/$vg/$snap")" "$(cat "$PREP/$vg.$snap-sha")"
    lvchange -q -an "$vg/$snap"
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
            set_tags "$case_name" "$vg"
            t_eq "$case_name: set: no other tag left on snap (but a set's)" "$(but_set "$SNAP_TAGS")" ""
            t_eq "$case_name: set: no other tag left on varsnap (but a set's)" "$(but_set "$VARSNAP_TAGS")" ""
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
        thin)
            # root reset once (next-boot), eroot three times (every-boot).
            thin_pair "$case_name" "$vg" root snap ""
            thin_pair "$case_name" "$vg" eroot esnap lvm_revert_every_boot
            t_eq "$case_name: no other LV left behind" \
                "$(lvs --noheadings -o lv_name "$vg" | tr -d ' ' | sort | paste -sd' ')" "eroot esnap pool root snap"
            t_eq "$case_name: no LV named *_lvmrevert or tagged lvm_revert_thin_copy" \
                "$(lvs -a --noheadings -o lv_name,lv_tags "$vg" | grep -E '_lvmrevert|lvm_revert_thin_copy' || true)" ""
            ;;
        off)
            t_eq "$case_name: the tag stays for the next boot" "$(tags_of "$vg/snap")" lvm_revert_next_boot ;;
        refused)
            t_eq "$case_name: tagged refused instead" "$(tags_of "$vg/snap")" lvm_revert_refused ;;
        home)
            # The set of root and var, refused (varsnap invalid): every
            # member tagged refused instead, var as prep left it.
            set_tags "$case_name" "$vg"
            t_eq "$case_name: set: snap (root's, valid) tagged refused" "$(but_set "$SNAP_TAGS")" lvm_revert_refused
            t_eq "$case_name: set: varsnap (invalid) tagged refused" "$(but_set "$VARSNAP_TAGS")" lvm_revert_refused
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
    elif [[ $case_name != thin ]]; then
        t_snap_valid "$case_name: snapshot still valid" "$vg" snap
        t_eq "$case_name: snapshot unchanged" "$(vm_sha "/dev/$vg/snap")" "$(cat "$PREP/$vg.snap-sha")"
    fi
    vgchange -q -an "$vg" >/dev/null
done
t_done
