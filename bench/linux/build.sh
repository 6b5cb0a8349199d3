#!/usr/bin/env bash
# Prepares the Linux reference guest for `./nexos bench` in $1 (default build/bench/linux):
#   vmlinuz         Debian's linux-image-amd64 kernel, taken from the package (not built)
#   modules/        the package's modules that the disk and network benchmarks need (virtio-blk,
#                   virtio-net, vfat and the character sets vfat loads), uncompressed, and
#                   modules/order, their load order
#   initramfs.gz    busybox-static, init.sh as /init and the benchmark programs of this folder
#                   (each *.c a static program, each *.S a static program without libc)
# Nothing here is committed; a second call reuses what the first downloaded.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/../../build/bench/linux}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

# An $OUT from before the disk benchmark has vmlinuz but no modules: it downloads again.
if [[ ! -f "$OUT/vmlinuz" || ! -f "$OUT/modules/order" ]] || ! grep -q '^virtio_net.ko$' "$OUT/modules/order"; then
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
  # virtio-blk and vfat are modules in Debian's kernel. The package has no modules.dep (depmod
  # makes it on install), so each module's own depends= field (in its .modinfo section) says
  # what it needs; what modules.builtin names is in the kernel already. busybox insmod loads
  # plain .ko files only, so compressed ones (.ko.xz in newer kernels) are unpacked here.
  mods="$(echo "$OUT"/deb/root/lib/modules/*)"
  config="$(echo "$OUT"/deb/root/boot/config-*)"
  # Module names use '_' where file names may use '-' (nls_iso8859-1.ko is nls_iso8859_1).
  find "$mods/kernel" -name '*.ko*' | while IFS= read -r file; do
    name="${file##*/}" && name="${name%%.ko*}" && printf '%s\t%s\n' "${name//-/_}" "$file"
  done > "$OUT/deb/index"
  sed 's|^.*/||; s|\.ko.*$||; s|-|_|g' "$mods/modules.builtin" > "$OUT/deb/builtin"
  rm -rf "$OUT/modules" && mkdir -p "$OUT/modules"
  order=()
  add_module() {
    local name="${1//-/_}" file dep
    grep -qxF "$name" "$OUT/deb/builtin" && return 0
    [[ " ${order[*]} " == *" $name.ko "* ]] && return 0
    file="$(awk -F '\t' -v n="$name" '$1 == n { print $2; exit }' "$OUT/deb/index")"
    [[ -n "$file" ]] || { echo "bench: kernel module $name not found" >&2; exit 1; }
    case "$file" in
      *.ko.xz) xz -dc "$file" > "$OUT/modules/$name.ko" ;;
      *.ko.zst) zstd -qdc "$file" > "$OUT/modules/$name.ko" ;;
      *) cp "$file" "$OUT/modules/$name.ko" ;;
    esac
    objcopy -O binary --only-section=.modinfo "$OUT/modules/$name.ko" "$OUT/deb/modinfo"
    for dep in $(tr '\0' '\n' < "$OUT/deb/modinfo" | sed -n 's/^depends=//p' | tr ',' ' '); do
      add_module "$dep"
    done
    order+=("$name.ko")
  }
  # vfat's default code page and I/O character set, as this kernel was configured, are loaded
  # at mount time through request_module, which the guest cannot serve: they are loaded first.
  codepage="$(sed -n 's/^CONFIG_FAT_DEFAULT_CODEPAGE=//p' "$config")"
  iocharset="$(sed -n 's/^CONFIG_FAT_DEFAULT_IOCHARSET="\(.*\)"$/\1/p' "$config")"
  for module in virtio_pci virtio_blk virtio_net vfat "nls_cp${codepage:-437}" "nls_${iocharset:-iso8859-1}"; do
    add_module "$module"
  done
  printf '%s\n' "${order[@]}" > "$OUT/modules/order"
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
mkdir -p "$root"/{bin,bench,proc,sys,dev,mnt,lib/modules,www}
# The page the network benchmark's HTTP figure fetches, the same file NexOS's httpd serves.
cp "$HERE/../../user/www/favicon.svg" "$root/www/favicon.svg"
cp /bin/busybox "$root/bin/busybox"
cp "$OUT"/modules/*.ko "$OUT/modules/order" "$root/lib/modules/"
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
