#!/bin/busybox sh
# PID 1 of the Linux reference guest: print the first userspace line at once (the host times
# QEMU start to this line), then run the benchmarks and power off.
/bin/busybox mount -t proc proc /proc
echo "nexos-bench: userspace up, uptime $(/bin/busybox cut -d' ' -f1 /proc/uptime) s"
/bin/busybox mount -t sysfs sysfs /sys
echo "nexos-bench: clocksource $(/bin/busybox cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "nexos-bench: kernel $(/bin/busybox uname -r)"
/bench/syscall
/bench/switch
/bench/spawn /bench/exit0
/bench/fault
/bench/malloc
/bench/timer
/bench/timer rt
echo "nexos-bench: done"
/bin/busybox poweroff -f
