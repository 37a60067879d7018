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
    inst_multiple -o udevadm setsid sleep
    # Without lvm.conf LVM runs on built-in defaults, and 90lvm copies it
    # only for host-only images; lvm-revert copes either way. lvmconf=no
    # means no lvm.conf, as for 90lvm.
    # shellcheck disable=SC2154  # dracut sets lvmconf
    if [[ $lvmconf != "no" && -f /etc/lvm/lvm.conf ]]; then
        inst_simple /etc/lvm/lvm.conf
    fi
    # In a systemd initrd, dracut-pre-mount.service is ordered only after
    # the initqueue; systemd-hibernate-resume@ only before local-fs-pre:
    # order the revert after a resume, which needs the old root untouched.
    if dracut_module_included "systemd"; then
        # shellcheck disable=SC2154  # dracut sets moddir and systemdsystemunitdir
        inst_simple "$moddir/after-resume.conf" \
            "$systemdsystemunitdir/dracut-pre-mount.service.d/lvm-revert-after-resume.conf"
    fi
    # shellcheck disable=SC2154  # dracut sets moddir
    inst_hook pre-mount 50 "$moddir/lvm-revert-pre-mount.sh"
}
