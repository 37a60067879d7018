#!/bin/sh
# dracut pre-mount hook (sourced, so no exit): revert the origins whose
# snapshots are tagged for boot, complete reverts that started and did not
# finish, and the pairs named by lvmrevert=VG/LV:VG/SNAP on the kernel
# command line, before the root is checked and mounted.

# A shell on the console that neither rd.shell=0 nor rd.emergency=reboot
# can turn into a halt or a reboot loop, as emergency_shell would; in front
# of plymouth's splash, not behind it.
lvm_revert_shell() {
    if command -v plymouth >/dev/null 2>&1 && plymouth --ping 2>/dev/null; then plymouth quit; fi
    lvm_revert_console=$(cat /sys/class/tty/console/active 2>/dev/null)
    lvm_revert_console=${lvm_revert_console##* }
    [ -n "$lvm_revert_console" ] || lvm_revert_console=console
    if command -v setsid >/dev/null 2>&1; then
        PS1='(lvm-revert) ' setsid --ctty --wait /bin/sh -i 0<>"/dev/$lvm_revert_console" \
            1<>"/dev/$lvm_revert_console" 2<>"/dev/$lvm_revert_console"
    else
        PS1='(lvm-revert) ' /bin/sh -i 0<>/dev/console 1<>/dev/console 2<>/dev/console
    fi
    # A shell that could not open returns at once: never a busy loop.
    sleep 2
    unset lvm_revert_console
}

lvm_revert_boot() {
    command -v lvm-revert >/dev/null 2>&1 || return 0
    udevadm settle --timeout=10 >/dev/null 2>&1
    # One line per revert on stderr (the console), the full output in
    # /run/lvm-revert/boot.log.
    lvm-revert --boot
    lvm_revert_rc=$?
    # 0: done or nothing to do; 4: refused, nothing written. Anything else
    # (5, or a kill) may have left a volume half-reverted, which must never
    # be mounted: a shell, and whatever is left is tried again when it exits.
    while [ "$lvm_revert_rc" -ne 0 ] && [ "$lvm_revert_rc" -ne 4 ]; do
        warn "lvm-revert: the boot stops here: a volume is half-reverted (see above and /run/lvm-revert/boot.log; lvm-revert --boot exit $lvm_revert_rc). Complete the revert with the command shown, then exit the shell to go on booting."
        lvm_revert_shell
        lvm-revert --boot
        lvm_revert_rc=$?
    done
    unset lvm_revert_rc
}

lvm_revert_boot
