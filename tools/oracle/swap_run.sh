#!/bin/bash
# Swap probes: MADV_PAGEOUT of 64K folios with no swap, with a swap file and with a swap block device (a loop device
# over the same file). Needs root. Sets hugepages-64kB/enabled = madvise (only MADV_HUGEPAGE regions use it) and
# enables a 64 MiB swap for a few seconds; restores the mTHP setting and removes the swap, the loop device and the
# file on exit, also on failure or interruption. Output: a markdown table on stdout.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=/tmp/oracle-bin
IMG=/swap-oracle.img
M64=/sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled
[ "$(id -u)" = 0 ] || { echo "swap_run.sh: must run as root" >&2; exit 1; }
[ -z "$(swapon --noheadings --show)" ] || { echo "swap_run.sh: a swap is already active; refusing to run" >&2; exit 1; }
mkdir -p "$BIN"
gcc -O1 -Wall -o "$BIN/swap_probe" "$HERE/swap_probe.c" || exit 1
SAVED=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$M64")
LOOP=
cleanup() {
	swapoff "$IMG" 2>/dev/null
	[ -n "$LOOP" ] && { swapoff "$LOOP" 2>/dev/null; losetup -d "$LOOP" 2>/dev/null; }
	rm -f "$IMG"
	echo "$SAVED" > "$M64"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
echo madvise > "$M64"
echo "| case | residency of each 4K page (P present, Z zero page, S swap entry) |"
echo "|---|---|"
"$BIN/swap_probe" "no swap"
dd if=/dev/zero of="$IMG" bs=1M count=64 status=none && chmod 600 "$IMG" && mkswap "$IMG" > /dev/null || exit 1
swapon "$IMG" || exit 1
"$BIN/swap_probe" "swap file"
swapoff "$IMG"
LOOP=$(losetup -f --show "$IMG") || exit 1
mkswap "$LOOP" > /dev/null 2>&1 && swapon "$LOOP" || exit 1
"$BIN/swap_probe" "swap block device (loop)"
