#!/bin/sh
# dracut pre-mount hook (sourced, so no exit): revert the origins whose
# snapshots are tagged for boot, or named by lvmrevert=VG/LV:VG/SNAP on the
# kernel command line, before the root is checked and mounted.

# A shell on the console that neither rd.shell=0 nor rd.emergency=reboot
# can turn into a halt or a reboot loop, as emergency_shell would.
lvm_revert_shell() {
    lvm_revert_console=$(cat /sys/class/tty/console/active)
    lvm_revert_console=${lvm_revert_console##* }
    PS1='(lvm-revert) ' setsid --ctty --wait /bin/sh -i 0<>"/dev/$lvm_revert_console" \
        1<>"/dev/$lvm_revert_console" 2<>"/dev/$lvm_revert_console"
    unset lvm_revert_console
}

lvm_revert_boot() {
    command -v lvm-revert >/dev/null 2>&1 || return 0
    udevadm settle --timeout=10 >/dev/null 2>&1
    # One line per revert on stderr (the console), the full output in
    # /run/lvm-revert/boot.log.
    lvm-revert --boot
    lvm_revert_rc=$?
    # 5: a volume is half-reverted and must not be mounted: a shell, and
    # whatever is left is tried again when it exits.
    while [ "$lvm_revert_rc" -eq 5 ]; do
        warn "lvm-revert: the boot stops here: a volume is half-reverted (see above and /run/lvm-revert/boot.log). Complete the revert with the command shown, then exit the shell to go on booting."
        lvm_revert_shell
        lvm-revert --boot
        lvm_revert_rc=$?
    done
    unset lvm_revert_rc
}

lvm_revert_boot
