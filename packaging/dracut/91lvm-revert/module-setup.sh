#!/bin/bash
# dracut module: lvm-revert in the initrd, with a pre-mount hook that runs
# the reverts scheduled for boot before the root is checked and mounted.

check() {
    require_binaries lvm-revert lvm || return 1
    return 0
}

depends() {
    echo lvm dm
    return 0
}

installkernel() {
    hostonly='' instmods dm-snapshot
}

install() {
    # At /usr/sbin whatever the host's path, so it is on the initrd's PATH.
    inst_binary "$(find_binary lvm-revert)" /usr/sbin/lvm-revert
    # The hook copes without any of them (base installs setsid and sleep).
    inst_multiple -o udevadm setsid sleep
    # Without lvm.conf LVM runs on built-in defaults, and 90lvm copies it
    # only for host-only images or lvmconf=yes; lvm-revert copes either way.
    # Copied unless the admin said lvmconf=no (dracut --nolvmconf).
    # shellcheck disable=SC2154  # dracut sets lvmconf and dracutsysrootdir
    if [[ $lvmconf != "no" && -f $dracutsysrootdir/etc/lvm/lvm.conf ]]; then
        inst_simple /etc/lvm/lvm.conf
    fi
    # In a systemd initrd, dracut-pre-mount.service is ordered only after
    # dracut-initqueue.service and cryptsetup.target, and resuming from
    # hibernation (systemd-hibernate-resume@.service) only before
    # local-fs-pre.target: order the revert after local-fs-pre.target, so a
    # hibernated system, which has the old root mounted, resumes first.
    # No ordering cycle in dracut 059's initrd: sysroot.mount and the root's
    # systemd-fsck@ come after both already, and systemd-remount-fs.service,
    # the one unit ordered after systemd-fsck-root.service (which
    # dracut-pre-mount precedes) and before local-fs-pre.target, is not in
    # the initrd.
    if dracut_module_included "systemd"; then
        # shellcheck disable=SC2154  # dracut sets moddir and systemdsystemunitdir
        inst_simple "$moddir/after-resume.conf" \
            "$systemdsystemunitdir/dracut-pre-mount.service.d/lvm-revert-after-resume.conf"
    fi
    # shellcheck disable=SC2154  # dracut sets moddir
    inst_hook pre-mount 50 "$moddir/lvm-revert-pre-mount.sh"
}
