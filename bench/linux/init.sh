#!/bin/busybox sh
# PID 1 of the Linux reference guest: print the first userspace line at once (the host times
# QEMU start to this line), then run the benchmarks and power off.
/bin/busybox mount -t proc proc /proc
echo "nexos-bench: userspace up, uptime $(/bin/busybox cut -d' ' -f1 /proc/uptime) s"
/bin/busybox mount -t sysfs sysfs /sys
echo "nexos-bench: clocksource $(/bin/busybox cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "nexos-bench: kernel $(/bin/busybox uname -r)"
# The network boot (nexos.net on the command line): the NIC, a ping of the gateway, then the
# servers the host drives (bench/linux/net.c and busybox httpd) until it stops the machine.
if /bin/busybox grep -q nexos.net /proc/cmdline; then
  for module in $(/bin/busybox cat /lib/modules/order); do
    /bin/busybox insmod "/lib/modules/$module" 2>/dev/null
  done
  /bin/busybox ifconfig lo 127.0.0.1 up
  /bin/busybox ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up
  /bin/busybox route add default gw 10.0.2.2
  /bin/busybox ping -c 20 10.0.2.2
  /bin/busybox httpd -p 80 -h /www
  # net.c says "netbench: ready" once it listens; the host starts then.
  /bench/net
  while true; do /bin/busybox sleep 3600; done
fi
/bench/syscall
/bench/switch
/bench/spawn /bench/exit0
/bench/fault
/bench/malloc
/bench/timer
/bench/timer rt
# The disk: the host attaches one (an MBR, a FAT32 first partition and free space after it) as
# virtio-blk when it has one. Its drivers are modules here, loaded in the order build.sh found;
# devtmpfs makes /dev/vda and /dev/vda1 as the driver finds them.
for module in $(/bin/busybox cat /lib/modules/order); do
  /bin/busybox insmod "/lib/modules/$module"
done
/bin/busybox mount -t devtmpfs devtmpfs /dev
tries=0
while [ ! -b /dev/vda ] && [ $tries -lt 50 ]; do
  /bin/busybox usleep 100000
  tries=$((tries + 1))
done
if [ -b /dev/vda ]; then
  # Without the file system, disk still measures the raw disk and says file_cycle failed.
  /bin/busybox mount -t vfat /dev/vda1 /mnt && mounted=yes
  /bench/disk /dev/vda /mnt
  [ "$mounted" = yes ] && /bin/busybox umount /mnt
else
  echo '{"bench":"disk","error":"no /dev/vda"}'
fi
echo "nexos-bench: done"
/bin/busybox poweroff -f
