#!/bin/busybox sh
# /sbin/init of the boot tests' root LV: says what the root holds and what
# the initramfs left behind, marks the root as used, and powers off.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "E2E-INIT: marker=$(cat /marker) data=$(sha256sum /data | cut -c1-16)"
echo "E2E-INIT: mapper=$(ls /dev/mapper | grep -v control | tr '\n' ' ')"
if [ -r /run/lvm-revert/boot.log ]; then
	echo "E2E-INIT: boot.log has $(grep -c '^== exit' /run/lvm-revert/boot.log) revert(s): $(grep '^== exit' /run/lvm-revert/boot.log | tr '\n' ' ')"
	# Its summary lines, without "lvm-revert: " (so that they never pass
	# for the console's own lines).
	grep '^lvm-revert: ' /run/lvm-revert/boot.log | while IFS= read -r l; do
		echo "E2E-BOOTLOG: ${l#lvm-revert: }"
	done
else
	echo "E2E-INIT: no /run/lvm-revert/boot.log"
fi
mount -o remount,rw /
echo USED >/marker
sync
echo "E2E-INIT: done"
poweroff -f
