# NexOS deployment: to VMware (./nexos vmware), to PCs over the network (./nexos pxe) and to a
# USB stick (./nexos usb). Sourced by ./nexos, whose ROOT, BUILD, ISO, die, ensure_built,
# make_disk and make_netboot_dir it uses; docs/deploying.md tells how to use what it writes.

# ./nexos vmware [DIR] [--from iso|disk] [--image FILE] [--data FILE|--no-data] [--mem MIB] [--cpus N] [--efi] [--esxi [--serial-port N]]
# Writes DIR (default build/vmware): nexos.vmdk, the boot disk (the hybrid ISO, which boots as a
# hard disk, or a raw bootable disk image given with --from disk --image FILE); nexos-data.vmdk,
# a FAT32 disk NexOS mounts at / and keeps its state on (a new 64 MiB one, or the raw image
# --data names); and nexos.vmx, a machine with only devices NexOS drives: each disk on its own
# SATA (AHCI) controller (the AHCI driver serves the first disk of a controller), an Intel e1000,
# COM1 into serial.log, BIOS firmware (or EFI with --efi). --esxi writes the machine for an
# ESXi host instead: the card on the port group "VM Network" and COM1 as a telnet server on
# the host's port N (default 2001), since an ESXi VM's serial file is out of easy reach.
vmware_cmd() {
  local dir="$BUILD/vmware" from="iso" image="" data="" no_data="" mem=512 cpus=1 firmware="bios" esxi="" serial_port=2001
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --from) from="${2:-}"; [[ "$from" == iso || "$from" == disk ]] || die "vmware: --from takes iso or disk"; shift ;;
      --image) image="${2:?--image needs a raw disk image}"; shift ;;
      --data) data="${2:?--data needs a raw FAT disk image}"; shift ;;
      --no-data) no_data=1 ;;
      --mem) mem="${2:-}"; shift ;;
      --cpus) cpus="${2:-}"; shift ;;
      --efi) firmware="efi" ;;
      --esxi) esxi=1 ;;
      --serial-port) serial_port="${2:-}"; shift ;;
      -*) die "vmware: unknown option '$1' (known: --from iso|disk, --image FILE, --data FILE, --no-data, --mem MIB, --cpus N, --efi, --esxi, --serial-port N)" ;;
      *) dir="$1" ;;
    esac
    shift
  done
  [[ "$mem" =~ ^[0-9]+$ && "$mem" -ge 256 && $((mem % 4)) -eq 0 ]] || die "vmware: --mem takes MiB, at least 256 and a multiple of 4 (VMware's rule)"
  [[ "$cpus" =~ ^[1-9][0-9]?$ ]] || die "vmware: --cpus takes a count from 1 to 99"
  [[ "$serial_port" =~ ^[0-9]+$ && "$serial_port" -ge 1024 && "$serial_port" -le 65535 ]] || die "vmware: --serial-port takes a TCP port from 1024 to 65535"
  command -v qemu-img >/dev/null || ensure_deps
  local source
  if [[ "$from" == iso ]]; then
    [[ -z "$image" ]] || die "vmware: --image goes with --from disk (--from iso uses $ISO)"
    ensure_built
    source="$ISO"
  else
    [[ -n "$image" ]] || die "vmware: --from disk needs --image FILE, a raw bootable disk image (e.g. one read back from a stick ./nexos usb wrote)"
    [[ -f "$image" ]] || die "vmware: no file $image"
    source="$image"
  fi
  if [[ -n "$data" ]]; then
    [[ -z "$no_data" ]] || die "vmware: --data and --no-data exclude each other"
    [[ -f "$data" ]] || die "vmware: no file $data"
  fi
  mkdir -p "$dir" || die "vmware: cannot make $dir"
  qemu-img convert -f raw -O vmdk "$source" "$dir/nexos.vmdk" || die "vmware: qemu-img could not convert $source"
  rm -f "$dir/nexos-data.vmdk"
  if [[ -z "$no_data" ]]; then
    local raw="$data"
    if [[ -z "$raw" ]]; then
      raw="$dir/nexos-data.img"
      make_disk "$raw" 64
    fi
    qemu-img convert -f raw -O vmdk "$raw" "$dir/nexos-data.vmdk" || die "vmware: qemu-img could not convert $raw"
    [[ -z "$data" ]] && rm -f "$raw"
  fi
  write_vmx "$dir/nexos.vmx" "$mem" "$cpus" "$firmware" "$([[ -z "$no_data" ]] && echo 1)" "$([[ -n "$esxi" ]] && echo "$serial_port")"
  local console="COM1 goes to serial.log beside it"
  [[ -n "$esxi" ]] && console="COM1 is telnet://ESXI-HOST:$serial_port; convert the disks with vmkfstools first (docs/deploying.md)"
  echo "nexos: wrote $dir/nexos.vmx with nexos.vmdk$([[ -z "$no_data" ]] && echo " and nexos-data.vmdk") ($firmware firmware, $mem MiB, $cpus CPU(s)); $console" >&2
}

# write_vmx FILE MEM_MIB CPUS bios|efi HAS_DATA [ESXI_SERIAL_PORT]: the machine's configuration,
# in VMware's .vmx key names (virtual hardware 14 runs on Workstation 14+, Player 14+ and ESXi
# 6.7+); with a serial port, for an ESXi host.
write_vmx() {
  local file="$1" mem="$2" cpus="$3" firmware="$4" has_data="$5" esxi_port="${6:-}"
  {
    echo '.encoding = "UTF-8"'
    echo '# NexOS: written by ./nexos vmware; docs/deploying.md says how to run it.'
    echo 'config.version = "8"'
    echo 'virtualHW.version = "14"'
    echo 'displayName = "NexOS"'
    echo 'guestOS = "other-64"'
    echo "firmware = \"$firmware\""
    echo "memsize = \"$mem\""
    echo "numvcpus = \"$cpus\""
    echo '# The boot disk and the data disk, each on its own SATA (AHCI) controller.'
    echo 'sata0.present = "TRUE"'
    echo 'sata0:0.present = "TRUE"'
    echo 'sata0:0.deviceType = "disk"'
    echo 'sata0:0.fileName = "nexos.vmdk"'
    if [[ -n "$has_data" ]]; then
      echo 'sata1.present = "TRUE"'
      echo 'sata1:0.present = "TRUE"'
      echo 'sata1:0.deviceType = "disk"'
      echo 'sata1:0.fileName = "nexos-data.vmdk"'
    fi
    echo 'bios.bootOrder = "hdd"'
    echo 'ethernet0.present = "TRUE"'
    echo 'ethernet0.virtualDev = "e1000"'
    echo 'ethernet0.addressType = "generated"'
    if [[ -n "$esxi_port" ]]; then
      echo '# An Intel 82545EM (e1000) on the host'"'"'s default port group.'
      echo 'ethernet0.networkName = "VM Network"'
      echo "# COM1, NexOS's console (115200 8N1), as a telnet server on the ESXi host's port $esxi_port."
      echo 'serial0.present = "TRUE"'
      echo 'serial0.fileType = "network"'
      echo "serial0.fileName = \"telnet://:$esxi_port\""
      echo 'serial0.network.endPoint = "server"'
    else
      echo '# An Intel 82545EM (e1000) on the NAT network; "bridged" puts it on the host'"'"'s LAN.'
      echo 'ethernet0.connectionType = "nat"'
      echo '# COM1, NexOS'"'"'s console (115200 8N1), into a file beside this one.'
      echo 'serial0.present = "TRUE"'
      echo 'serial0.fileType = "file"'
      echo 'serial0.fileName = "serial.log"'
    fi
    echo 'serial0.yieldOnMsrRead = "TRUE"'
    echo 'floppy0.present = "FALSE"'
    echo 'usb.present = "FALSE"'
    echo 'sound.present = "FALSE"'
  } > "$file" || die "vmware: cannot write $file"
}

# ./nexos pxe DIR [--interface IF] [--subnet A.B.C.D/LEN]
# Writes DIR: a TFTP root for BIOS and UEFI network boots (GRUB's netboot images from
# grub-mknetdir for i386-pc and x86_64-efi, the kernel, its boot modules and grub.cfg) and
# DIR/dnsmasq.conf, a proxy-DHCP + TFTP server for it: the LAN's own DHCP server keeps handing
# out addresses, and dnsmasq only tells PXE clients what to boot. The interface defaults to
# the one of the default route, the subnet to that interface's first IPv4 address, which is also
# the TFTP server's address written into GRUB's images (run it again when that address changes).
pxe_cmd() {
  local dir="" iface="" subnet=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --interface) iface="${2:?--interface needs a network interface, e.g. eth0}"; shift ;;
      --subnet) subnet="${2:?--subnet needs a network, e.g. 192.168.1.0/24}"; shift ;;
      -*) die "pxe: unknown option '$1' (known: --interface IF, --subnet A.B.C.D/LEN)" ;;
      *) [[ -z "$dir" ]] || die "pxe: one directory only ('$dir', then '$1')"; dir="$1" ;;
    esac
    shift
  done
  [[ -n "$dir" ]] || die "usage: ./nexos pxe DIR [--interface IF] [--subnet A.B.C.D/LEN]"
  if [[ -z "$iface" ]]; then
    iface="$(ip -o -4 route show default 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')"
    [[ -n "$iface" ]] || die "pxe: no default route to take the interface from: name the LAN's interface with --interface IF (ip -br link lists them)"
  fi
  ip link show dev "$iface" >/dev/null 2>&1 || die "pxe: no network interface '$iface' here (ip -br link lists them)"
  local address
  address="$(ip -o -4 addr show dev "$iface" | awk '{ print $4; exit }')"
  [[ -n "$address" ]] || die "pxe: $iface has no IPv4 address; dnsmasq answers PXE clients from the interface's own address on their subnet"
  [[ -n "$subnet" ]] || subnet="$address"
  local network mask
  network="$(ipv4_network "$subnet")" || die "pxe: '$subnet' is not an IPv4 network such as 192.168.1.0/24"
  mask="$(ipv4_mask "${subnet#*/}")"
  [[ "$(ipv4_network "${address%/*}/${subnet#*/}")" == "$network" ]] \
    || die "pxe: $iface's address ${address%/*} is not in $network/${subnet#*/}: give the subnet of the LAN $iface is on"
  if [[ -e "$dir" && ! -e "$dir/.nexos-pxe" && -n "$(ls -A "$dir" 2>/dev/null)" ]]; then
    die "pxe: $dir exists and holds files this command did not write: give a new or empty directory"
  fi
  ensure_built
  mkdir -p "$dir" || die "pxe: cannot make $dir"
  dir="$(cd "$dir" && pwd)"
  make_netboot_dir "$dir"
  pxe_core_images "$dir" "${address%/*}"
  touch "$dir/.nexos-pxe"
  write_dnsmasq_conf "$dir/dnsmasq.conf" "$dir" "$iface" "$network" "$mask"
  echo "nexos: wrote the network-boot tree $dir and $dir/dnsmasq.conf (proxy DHCP on $iface, $network/${subnet#*/})" >&2
  echo "nexos: serve it with: sudo dnsmasq --no-daemon --conf-file=$dir/dnsmasq.conf" >&2
}

# pxe_core_images DIR SERVER: GRUB's network images again, with the TFTP server's address in
# their prefix. grub-mknetdir's images take the server from the DHCP server's answer, which
# beside a proxy DHCP server is the LAN's DHCP server (or nobody), not the one holding the files.
pxe_core_images() {
  local dir="$1" server="$2"
  [[ -d "$dir/boot/grub/i386-pc" ]] || die "pxe: grub-mknetdir wrote no BIOS files (is grub-pc-bin installed?)"
  [[ -d "$dir/boot/grub/x86_64-efi" ]] || die "pxe: grub-mknetdir wrote no UEFI files (is grub-efi-amd64-bin installed?)"
  grub-mkimage --directory /usr/lib/grub/i386-pc --prefix "(tftp,$server)/boot/grub" --format i386-pc-pxe \
    --output "$dir/boot/grub/i386-pc/core.0" tftp pxe || die "pxe: grub-mkimage could not make the BIOS image"
  grub-mkimage --directory /usr/lib/grub/x86_64-efi --prefix "(tftp,$server)/boot/grub" --format x86_64-efi \
    --output "$dir/boot/grub/x86_64-efi/core.efi" tftp efinet || die "pxe: grub-mkimage could not make the UEFI image"
}

# ipv4_network A.B.C.D/LEN: prints the network address, or fails on anything else.
ipv4_network() {
  local cidr="$1" ip len a b c d
  [[ "$cidr" =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})/([0-9]{1,2})$ ]] || return 1
  a=${BASH_REMATCH[1]}; b=${BASH_REMATCH[2]}; c=${BASH_REMATCH[3]}; d=${BASH_REMATCH[4]}; len=${BASH_REMATCH[5]}
  (( a <= 255 && b <= 255 && c <= 255 && d <= 255 && len >= 8 && len <= 30 )) || return 1
  ip=$(( (a << 24) | (b << 16) | (c << 8) | d ))
  ip=$(( ip & (0xFFFFFFFF << (32 - len)) & 0xFFFFFFFF ))
  echo "$(( ip >> 24 )).$(( (ip >> 16) & 255 )).$(( (ip >> 8) & 255 )).$(( ip & 255 ))"
}

# ipv4_mask LEN: the dotted netmask of a prefix length.
ipv4_mask() {
  local m=$(( (0xFFFFFFFF << (32 - $1)) & 0xFFFFFFFF ))
  echo "$(( m >> 24 )).$(( (m >> 16) & 255 )).$(( (m >> 8) & 255 )).$(( m & 255 ))"
}

# write_dnsmasq_conf FILE TFTP_ROOT INTERFACE NETWORK NETMASK
write_dnsmasq_conf() {
  local file="$1" root="$2" iface="$3" network="$4" mask="$5"
  cat > "$file" <<CONF || die "pxe: cannot write $file"
# NexOS network boot, written by ./nexos pxe (docs/deploying.md). dnsmasq answers PXE clients
# on $iface as a proxy DHCP server: the LAN's DHCP server still hands out the addresses.
# Start it with: sudo dnsmasq --no-daemon --conf-file=$file
# No DNS server.
port=0
interface=$iface
bind-interfaces
dhcp-range=$network,proxy,$mask
log-dhcp
enable-tftp
tftp-root=$root
# Boot the first (only) entry of each client type at once, without a menu.
pxe-prompt="NexOS",0
# BIOS clients: GRUB's PXE image (the name has its suffix, so dnsmasq adds none).
pxe-service=x86PC,"NexOS (BIOS)",boot/grub/i386-pc/core.0
# UEFI x86-64 clients (client architectures 7 and 9): GRUB's EFI network image.
pxe-service=BC_EFI,"NexOS (UEFI)",boot/grub/x86_64-efi/core.efi
pxe-service=x86-64_EFI,"NexOS (UEFI)",boot/grub/x86_64-efi/core.efi
CONF
}

# ./nexos usb DEVICE [--yes] [--force] [--allow-image] [--iso FILE]
# Writes the hybrid ISO (it boots as a USB disk on BIOS and UEFI PCs) over the whole of DEVICE
# after showing it and asking. Refuses a partition, a device that is mounted or used as swap,
# the disk the running system is on, and a disk that is not removable unless --force. A loop
# device or a regular file (written or made) is a target only with --allow-image.
usb_cmd() {
  local dev="" yes="" force="" allow_image="" image=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --yes) yes=1 ;;
      --force) force=1 ;;
      --allow-image) allow_image=1 ;;
      --iso) image="${2:?--iso needs an image file}"; shift ;;
      -*) die "usb: unknown option '$1' (known: --yes, --force, --allow-image, --iso FILE)" ;;
      *) [[ -z "$dev" ]] || die "usb: one device only ('$dev', then '$1')"; dev="$1" ;;
    esac
    shift
  done
  [[ -n "$dev" ]] || die "usage: ./nexos usb DEVICE [--yes] [--force] [--allow-image] [--iso FILE] (lsblk -d -o NAME,SIZE,RM,TRAN,MODEL lists the disks)"
  if [[ -n "$image" ]]; then
    [[ -f "$image" ]] || die "usb: no image file $image"
  else
    ensure_built
    image="$ISO"
  fi
  local size
  size=$(stat -c %s "$image")
  if [[ ! -b "$dev" ]]; then
    if [[ -e "$dev" && ! -f "$dev" ]]; then die "usb: $dev is neither a block device nor a regular file"; fi
    [[ -n "$allow_image" ]] || die "usb: $dev is not a block device$([[ -e "$dev" ]] || echo " (it does not exist)"); writing the image to a file needs --allow-image"
    usb_confirm "$dev" "the file $dev" "$yes"
    usb_write "$image" "$dev" "$size" file
    return
  fi
  local facts type rm hotplug tran bytes model
  facts="$(lsblk -dnP -b -o TYPE,RM,HOTPLUG,TRAN,SIZE,MODEL "$dev" 2>/dev/null)" || die "usb: lsblk knows no device $dev (a loop device with nothing attached?)"
  type="$(lsblk_field TYPE "$facts")"; rm="$(lsblk_field RM "$facts")"; hotplug="$(lsblk_field HOTPLUG "$facts")"
  tran="$(lsblk_field TRAN "$facts")"; bytes="$(lsblk_field SIZE "$facts")"; model="$(lsblk_field MODEL "$facts")"
  case "$type" in
    disk) ;;
    loop) [[ -n "$allow_image" ]] || die "usb: $dev is a loop device, not a USB stick; writing to one needs --allow-image" ;;
    part) die "usb: $dev is a partition, not a whole disk: give the disk it is on ($(lsblk -no PKNAME "$dev" 2>/dev/null | sed 's|^|/dev/|' | head -n1)), whose partitions are all overwritten" ;;
    *) die "usb: $dev is a '$type' device, not a whole disk" ;;
  esac
  local system
  system="$(usb_system_disks)"
  if grep -qxF "$(readlink -f "$dev")" <<<"$system"; then
    die "usb: $dev holds the running system (/, /boot or /usr is on it): refused"
  fi
  local mounted swaps
  mounted="$(lsblk -nlp -o NAME,MOUNTPOINT "$dev" 2>/dev/null | awk 'NF > 1 { print $1 " on " $2 }')"
  [[ -z "$mounted" ]] || die "usb: $dev is mounted ($(tr '\n' ';' <<<"$mounted" | sed 's/;$//; s/;/, /g')): unmount it first"
  swaps="$(awk 'NR > 1 { print $1 }' /proc/swaps 2>/dev/null | while read -r s; do lsblk -nlsp -o NAME "$s" 2>/dev/null; done | sort -u)"
  if grep -qxF "$(readlink -f "$dev")" <<<"$swaps"; then die "usb: $dev is in use as swap: swapoff it first"; fi
  if [[ "$type" == disk && "$rm" != 1 && "$hotplug" != 1 && "$tran" != usb && -z "$force" ]]; then
    die "usb: $dev is not removable (a fixed ${tran:-internal} disk): refused; --force writes it anyway"
  fi
  [[ "${bytes:-0}" -ge "$size" ]] || die "usb: $dev holds $bytes bytes, less than the image's $size"
  local what="$dev: $(numfmt --to=iec-i --suffix=B "${bytes:-0}"), ${model:-no model name}${tran:+, $tran}$([[ "$rm" == 1 || "$hotplug" == 1 ]] && echo ", removable")"
  usb_confirm "$dev" "$what" "$yes"
  usb_write "$image" "$dev" "$size" device
}

# lsblk_field NAME 'NAME="value" ...': one field of lsblk -P output.
lsblk_field() {
  sed -n "s/.*\\b$1=\"\\([^\"]*\\)\".*/\\1/p" <<<"$2" | head -n1 | sed 's/[[:space:]]*$//'
}

# The whole disks under /, /boot, /boot/efi and /usr, one path a line.
usb_system_disks() {
  local mnt src
  for mnt in / /boot /boot/efi /usr; do
    src="$(findmnt -no SOURCE "$mnt" 2>/dev/null | head -n1)" || continue
    [[ -b "$src" ]] || continue
    lsblk -nlsp -o NAME,TYPE "$src" 2>/dev/null | awk '$2 == "disk" { print $1 }'
  done | sed 's/^[^/]*//' | xargs -r -n1 readlink -f | sort -u
}

# usb_confirm DEVICE DESCRIPTION YES: shows what is overwritten and asks, unless YES.
usb_confirm() {
  echo "nexos: $2" >&2
  echo "nexos: everything on $1 will be overwritten with $(basename "$image")" >&2
  [[ -n "$3" ]] && return 0
  [[ -t 0 ]] || die "usb: no terminal to confirm on: pass --yes to write without asking"
  local answer
  read -r -p "Type yes to write $1: " answer
  [[ "$answer" == yes ]] || die "usb: not written ('$answer' is not yes)"
}

# usb_write IMAGE TARGET SIZE device|file: copies, flushes, and reads back to compare.
usb_write() {
  local image="$1" target="$2" size="$3" kind="$4" flags=(conv=fsync)
  [[ "$kind" == device ]] && flags+=(oflag=direct)
  dd if="$image" of="$target" bs=4M "${flags[@]}" status=none || die "usb: writing $target failed"
  sync
  cmp -n "$size" "$image" "$target" >/dev/null || die "usb: $target does not read back as the image: the stick may be faulty"
  echo "nexos: wrote $(basename "$image") ($(( size / 1024 / 1024 )) MiB) to $target and read it back; boot the PC from it (docs/deploying.md)" >&2
}
