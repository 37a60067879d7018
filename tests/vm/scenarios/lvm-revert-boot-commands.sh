#!/usr/bin/env bash
# Scheduling on real LVM (tags through lvchange, lvs across VGs), --boot
# (activating an LV that is not active and deactivating it again), the
# rescue-shell conditions (no lvm.conf, no /run/lock/lvm), and the bash
# completion of VG/LV names. The boots themselves: tests/boot/.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)

VG=bcvg
vm_make_vg "$VG" "$(vm_disk 0)"
lvcreate -q -y -L 16M -n data "$VG" >/dev/null
vm_fill "/dev/$VG/data" 1 16
lvcreate -q -y -s -c 4k -L 12M -n snap "$VG/data" >/dev/null
SNAP_SHA=$(vm_sha "/dev/$VG/snap")
vm_fill "/dev/$VG/data" 2 4 4
tags() { lvs --noheadings -o lv_tags "$1" | tr -d ' '; }

# --- an origin in use: refused now, scheduled instead
vm_hold_open "/dev/$VG/data"
vm_revert -y "$VG/data" "$VG/snap"
t_eq "in use: exit 4" "$REV_RC" 4
t_grep "in use: the refusal names --at-next-boot" \
  "or revert it at the next boot, before it is mounted: lvm-revert --at-next-boot $VG/data $VG/snap" "$REV_ERR"
vm_revert --at-next-boot "$VG/data" "$VG/snap"
t_eq "--at-next-boot while in use: exit 0" "$REV_RC" 0
vm_show_revert
t_eq "--at-next-boot: tagged" "$(tags "$VG/snap")" lvm_revert_next_boot
t_grep "--at-next-boot: says how to cancel" "To cancel: lvm-revert --cancel $VG/data $VG/snap" "$REV_OUT"
vm_no_suspended "--at-next-boot: nothing suspended"
vm_revert --list-scheduled
t_eq "--list-scheduled" "$(cat "$REV_OUT")" "$VG/data <- $VG/snap  next-boot"
vm_revert --list-scheduled --json
vm_json_load
t_json "--list-scheduled --json: result listed" result '"listed"'
t_json "--list-scheduled --json: one scheduled revert" 'scheduled_reverts.#' 1
t_json "--list-scheduled --json: its origin" scheduled_reverts.0.origin "\"$VG/data\""
t_json "--list-scheduled --json: its snapshot" scheduled_reverts.0.snapshot "\"$VG/snap\""
t_json "--list-scheduled --json: next boot" scheduled_reverts.0.when '"next-boot"'
vm_revert --at-every-boot "$VG/data" "$VG/snap"
t_eq "--at-every-boot replaces the next-boot tag" "$(tags "$VG/snap")" lvm_revert_every_boot
vm_revert --cancel "$VG/data" "$VG/snap"
t_eq "--cancel: exit 0" "$REV_RC" 0
t_eq "--cancel: no tag left" "$(tags "$VG/snap")" ""
vm_release "$VM_HOLD_PID"

# --- --boot: a tagged origin, and one that is not active
lvchange -q --addtag lvm_revert_next_boot "$VG/snap"
lvcreate -q -y --setautoactivation n -L 8M -n home "$VG" >/dev/null
vm_fill "/dev/$VG/home" 3 8
lvcreate -q -y -s -c 4k -L 8M -n homesnap "$VG/home" >/dev/null
HOME_SHA=$(vm_sha "/dev/$VG/homesnap")
vm_fill "/dev/$VG/home" 4 2 2
lvchange -q --addtag lvm_revert_next_boot "$VG/homesnap"
lvchange -q -an "$VG/home"
rm -rf /run/lvm-revert
vm_revert --boot
t_eq "--boot: exit 0" "$REV_RC" 0
vm_show_revert
t_grep "--boot: one line for data" "lvm-revert: reverted $VG/data to $VG/snap: wrote" "$REV_ERR"
t_grep "--boot: one line for home" "lvm-revert: reverted $VG/home to $VG/homesnap: wrote" "$REV_ERR"
t_eq "--boot: data holds the snapshot" "$(vm_sha "/dev/$VG/data")" "$SNAP_SHA"
t_eq "--boot: the tags are gone" "$(tags "$VG/snap")/$(tags "$VG/homesnap")" "/"
t_eq "--boot: home was deactivated again" "$(lvs --noheadings -o lv_active "$VG/home" | tr -d ' ')" ""
lvchange -q -ay "$VG/home"
t_eq "--boot: home holds its snapshot" "$(vm_sha "/dev/$VG/home")" "$HOME_SHA"
t_grep "--boot: the log has both" "== $VG/home <- $VG/homesnap (next-boot)" /run/lvm-revert/boot.log
vm_revert --boot
t_eq "--boot again: nothing left to do" "$(cat "$REV_ERR")" ""

# --- the rescue shell: no lvm.conf, no lock directory
vm_fill "/dev/$VG/data" 5 4 8
mkdir -p /tmp/no-lvm-conf
rm -rf /run/lock/lvm
rc=0
LVM_SYSTEM_DIR=/tmp/no-lvm-conf "$LVM_REVERT" -y -v "$VG/data" "$VG/snap" </dev/null \
  >/tmp/rescue.out 2>/tmp/rescue.err || rc=$?
sed 's/^/# /' /tmp/rescue.err | head -20
t_eq "no lvm.conf, no /run/lock/lvm: exit 0" "$rc" 0
t_eq "no lvm.conf: data holds the snapshot" "$(vm_sha "/dev/$VG/data")" "$SNAP_SHA"
t_grep "no lock directory: created and used" "holding /run/lock/lvm/V_$VG" /tmp/rescue.err

# --- bash completion of VG/LV names
complete_words() {
  bash -c '. /usr/share/bash-completion/bash_completion; . "$0"
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _lvm_revert lvm-revert "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
    "$top/packaging/bash-completion/lvm-revert" "$@"
}
if [[ -r /usr/share/bash-completion/bash_completion ]]; then
  t_eq "completion: VG/LV names" "$(complete_words lvm-revert "$VG/h")" "$VG/home $VG/homesnap "
  t_eq "completion: the origin's snapshots second" "$(complete_words lvm-revert -y "$VG/data" "")" "$VG/snap "
else
  t_fail "completion: bash-completion is installed" "no /usr/share/bash-completion/bash_completion"
fi

vm_cleanup_vg "$VG"
t_done
