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

# LVM's setting KEY (global/...) as lvmconfig gives it, without its quotes.
lvm_setting() {
    LVM_SUPPRESS_FD_WARNINGS=1 lvm lvmconfig --typeconfig full "$1" 2>/dev/null |
        sed -n 's/^[^=]*="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p'
}

# With lvm.conf, what LVM needs for this host's system ID (lvmsystemid(7)),
# or this host's VGs are another host's in the initrd: 90lvm copies
# lvmlocal.conf and the system_id_file only for host-only images or
# lvmconf=yes, and /etc/machine-id comes only with a host-only systemd.
# shellcheck disable=SC2154  # dracut sets dracutsysrootdir and initdir
install_system_id() {
    local id_file
    [[ ! -f $dracutsysrootdir/etc/lvm/lvmlocal.conf ]] || inst_simple /etc/lvm/lvmlocal.conf
    case "$(lvm_setting global/system_id_source)" in
        machineid | appmachineid)
            # systemd's module leaves an empty one in a generic image.
            if [[ -s $dracutsysrootdir/etc/machine-id && ! -s $initdir/etc/machine-id ]]; then
                rm -f "$initdir/etc/machine-id"
                inst_simple /etc/machine-id
            fi
            ;;
        file)
            id_file=$(lvm_setting global/system_id_file)
            [[ -z $id_file || ! -f $dracutsysrootdir$id_file ]] || inst_simple "$id_file"
            ;;
    esac
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
        install_system_id
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
