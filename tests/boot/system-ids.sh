# shellcheck shell=bash
# The LVM system IDs (lvmsystemid(7)) of the boot tests, sourced by
# run-boot-tests.sh, prep.sh and check.sh. The images are built as a host
# with that ID (run-boot-tests.sh, with_lvm_system_id); the disks of the
# cases below belong to it, so they boot only if the image knows its ID.
# shellcheck disable=SC2034  # used by the scripts that source this
BT_MACHINE_ID=6c766d2d7265766572742d626f6f7431  # initramfs-tools: system_id_source "machineid"
BT_LVMLOCAL_ID=bt-dracut-host                    # dracut: system_id_source "lvmlocal"
# bt_system_id CASE: the system ID the case's VG gets, if any.
bt_system_id() {
    case $1 in
        system-id) echo "$BT_MACHINE_ID" ;;
        dracut) echo "$BT_LVMLOCAL_ID" ;;
    esac
}
