#!/usr/bin/env bash
# Prepares the Linux reference guest for `./nexos bench` in $1 (default build/bench/linux):
#   vmlinuz         Debian's linux-image-amd64 kernel, taken from the package (not built)
#   initramfs.gz    busybox-static, init.sh as /init and the benchmark programs of this folder
#                   (each *.c a static program, each *.S a static program without libc)
# Nothing here is committed; a second call reuses what the first downloaded.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/../../build/bench/linux}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

if [[ ! -f "$OUT/vmlinuz" ]]; then
  # linux-image-amd64 is a meta package; its dependency is the versioned image package.
  resolve() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }'; }
  pkg="$(resolve)"
  # A machine whose package lists were never fetched knows no kernel package yet.
  if [[ -z "$pkg" && $(id -u) -eq 0 ]]; then apt-get update -qq >&2; pkg="$(resolve)"; fi
  [[ -n "$pkg" ]] || { echo "bench: cannot resolve linux-image-amd64" >&2; exit 1; }
  rm -rf "$OUT/deb" && mkdir -p "$OUT/deb"
  (cd "$OUT/deb" && apt-get download "$pkg" >/dev/null 2>&1)
  dpkg-deb -x "$OUT"/deb/*.deb "$OUT/deb/root"
  cp "$OUT"/deb/root/boot/vmlinuz-* "$OUT/vmlinuz"
  basename "$OUT"/deb/root/boot/vmlinuz-* | sed 's/^vmlinuz-//' > "$OUT/kernel-version"
  rm -rf "$OUT/deb"
fi

# Debian's plain busybox package also installs /bin/busybox, dynamically linked: the guest
# has no libc, so only busybox-static's will do.
if readelf -d /bin/busybox 2>/dev/null | grep -q NEEDED; then
  echo "bench: /bin/busybox is dynamically linked; install busybox-static" >&2
  exit 1
fi

root="$OUT/initramfs"
rm -rf "$root"
mkdir -p "$root"/{bin,bench,proc,sys,dev}
cp /bin/busybox "$root/bin/busybox"
install -m 755 "$HERE/init.sh" "$root/init"
for src in "$HERE"/*.c; do
  gcc -static -O2 -Wall -Wextra -Werror -pthread -o "$root/bench/$(basename "${src%.c}")" "$src"
done
# Programs in assembly have no libc: exit0, the few-KB program that spawn starts.
for src in "$HERE"/*.S; do
  gcc -static -nostdlib -s -Wl,--build-id=none -o "$root/bench/$(basename "${src%.S}")" "$src"
done
# /dev/console comes from the kernel's own built-in initramfs, unpacked before this one.
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9 > "$OUT/initramfs.gz")
echo "$OUT"
