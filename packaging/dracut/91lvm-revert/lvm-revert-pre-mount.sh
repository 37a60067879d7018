#!/bin/sh
# dracut pre-mount hook: revert the origins whose snapshots are tagged for
# boot, complete reverts that started and did not finish, and the pairs
# named by lvmrevert=VG/LV:VG/SNAP on the kernel command line, before the
# root is checked and mounted. dracut sources this file, with systemd from
# dracut-pre-mount.service (which module-setup.sh orders after resume): no
# exit, everything named lvm_revert_* and unset at the end, and no failing
# command left unchecked, should the sourcing shell run set -e.

# lvm_revert_shell MESSAGE: a shell on the console that neither rd.shell=0
# nor rd.emergency=reboot can turn into a halt or a reboot loop, as
# emergency_shell would. With setsid (util-linux, from dracut's base module)
# on the active console, as the controlling terminal so it has job control;
# without setsid, or when it fails (busybox's knows neither --ctty nor
# --wait), a plain shell on /dev/console. A pause follows, so a console
# where no shell opens keeps the boot stopped without a busy loop.
lvm_revert_shell() {
    # plymouth would hide the message and the shell (dracut-emergency.sh
    # quits it too).
    if command -v plymouth >/dev/null 2>&1 && plymouth --ping >/dev/null 2>&1; then
        plymouth quit
    fi
    # warn: to the kernel log and stderr, which is the console without
    # systemd and journal+console in dracut-pre-mount.service.
    warn "$1"
    lvm_revert_console=
    { read -r lvm_revert_console </sys/class/tty/console/active; } 2>/dev/null || :
    lvm_revert_console=${lvm_revert_console##* }
    [ -n "$lvm_revert_console" ] || lvm_revert_console=console
    # Fall back on setsid's status, not on time (an admin may need one
    # second): a setsid without --ctty/--wait (busybox's) fails at once.
    lvm_revert_opened=no
    if command -v setsid >/dev/null 2>&1; then
        PS1='(lvm-revert) ' setsid --ctty --wait sh -i 0<>"/dev/$lvm_revert_console" 1>&0 2>&1 &&
            lvm_revert_opened=yes
    fi
    if [ "$lvm_revert_opened" = no ]; then
        PS1='(lvm-revert) ' sh -i 0<>/dev/console 1>&0 2>&1 || :
    fi
    # A console where no shell opens must not become a busy loop.
    sleep 2 || :
    unset lvm_revert_console lvm_revert_opened
}

lvm_revert_boot() {
    command -v lvm-revert >/dev/null 2>&1 || return 0
    udevadm settle --timeout=10 >/dev/null 2>&1 || :
    # One line per revert on stderr (the console), the full output in
    # /run/lvm-revert/boot.log.
    lvm_revert_rc=0
    lvm-revert --boot || lvm_revert_rc=$?
    # 0: done or nothing to do; 4: refused with nothing written. Any other
    # status (5: failed while writing, but also a kill, a crash, a binary
    # that cannot run) may leave a volume half-reverted, which must not be
    # mounted: a shell, and whatever is left is tried again when it exits.
    while [ "$lvm_revert_rc" -ne 0 ] && [ "$lvm_revert_rc" -ne 4 ]; do
        lvm_revert_shell "lvm-revert: the boot stops here: lvm-revert --boot exited with status $lvm_revert_rc, so a volume may be half-reverted (see above and /run/lvm-revert/boot.log). Complete the revert with the command shown, then exit the shell to go on booting."
        lvm_revert_rc=0
        lvm-revert --boot || lvm_revert_rc=$?
    done
    unset lvm_revert_rc
}

lvm_revert_boot
unset -f lvm_revert_boot lvm_revert_shell
