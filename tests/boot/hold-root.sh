#!/bin/sh
# Test-only initramfs-tools script (local-premount, before lvm-revert's):
# with lvmrevert_test_hold on the kernel command line, keeps the root device
# open for a while, as a process the revert cannot wait for would. The
# revert must be refused as something that may pass, and its every-boot
# schedule kept. Copied into the boot tests' own image only.
PREREQ=""
prereqs() { echo "$PREREQ"; }
case "${1:-}" in
prereqs)
	prereqs
	exit 0
	;;
esac
set -u
grep -qw lvmrevert_test_hold /proc/cmdline || exit 0
root=${ROOT:-}
case "$root" in
/dev/mapper/*) ;;
*) exit 0 ;;
esac
echo "boot-test: holding $root open"
# shellcheck disable=SC2217  # the redirection is the point: it holds the device open
sleep 40 <"$root" >/dev/null 2>&1 &
sleep 1
exit 0
