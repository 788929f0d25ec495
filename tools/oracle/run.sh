#!/bin/bash
# Compile and run the kernel-oracle probes; write their tables to one text (markdown) file.
#   usage: sudo bash tools/oracle/run.sh [output-file]      (default /tmp/oracle-output.md)
# Needs root (pagemap PFNs, THP sysfs), gcc, Linux x86-64.
# Changes the global THP sysfs settings for a few seconds (this affects every process on the machine) and restores
# every one of them on exit, also on failure or interruption. vm.max_map_count is never changed: mapcount_probe fills
# its own address space with filler VMAs instead (lowering the sysctl made concurrently running JVMs crash).
# Binaries go to /tmp/oracle-bin, never into the repository.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-/tmp/oracle-output.md}
BIN=/tmp/oracle-bin
THP=/sys/kernel/mm/transparent_hugepage
PROBES="mmap munmap mprotect mremap madvise placement fault mapcount fork"

[ "$(id -u)" = 0 ] || { echo "run.sh: must run as root" >&2; exit 1; }
mkdir -p "$BIN"
for p in $PROBES; do
	gcc -O1 -Wall -o "$BIN/${p}_probe" "$HERE/${p}_probe.c" || { echo "run.sh: compile of ${p}_probe.c failed" >&2; exit 1; }
done

# ---- save and always restore global settings ----
declare -A SAVED
sel() { sed -n 's/.*\[\(.*\)\].*/\1/p' "$1"; }          # the bracketed choice of a sysfs selector
for f in "$THP/enabled" "$THP"/hugepages-*kB/enabled; do SAVED[$f]=$(sel "$f"); done
restore() {
	for f in "${!SAVED[@]}"; do echo "${SAVED[$f]}" > "$f" 2>/dev/null; done
}
trap restore EXIT
trap 'exit 130' INT TERM

# mode NAME TOP [size=setting ...]: top-level enabled, every mTHP size "never" and PMD size "inherit" unless given
mode() {
	echo "$2" > "$THP/enabled"
	for f in "$THP"/hugepages-*kB/enabled; do
		case $f in *hugepages-2048kB/*) echo inherit > "$f" ;; *) echo never > "$f" ;; esac
	done
	shift 2
	for kv in "$@"; do echo "${kv#*=}" > "$THP/hugepages-${kv%%=*}kB/enabled"; done
}

{
	echo "# kernel-oracle probe output"
	echo
	echo "- kernel: \`$(uname -srm)\`"
	echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "- swap devices: $(swapon --show --noheadings | wc -l); vm.overcommit_memory=$(cat /proc/sys/vm/overcommit_memory); vm.mmap_min_addr=$(cat /proc/sys/vm/mmap_min_addr); vm.max_map_count=$(cat /proc/sys/vm/max_map_count)"
	echo "- THP defrag=\`$(cat $THP/defrag)\`, use_zero_page=$(cat $THP/use_zero_page), khugepaged max_ptes_none=$(cat $THP/khugepaged/max_ptes_none)"
	echo "- THP settings found (restored at exit): $(for f in "${!SAVED[@]}"; do echo -n "${f#$THP/}=${SAVED[$f]} "; done)"
	echo
	echo "Baseline for the syscall probes: enabled=madvise, PMD size inherit, all other sizes never."
	mode baseline madvise
	for p in mmap munmap mprotect mremap madvise; do echo; "$BIN/${p}_probe"; done
	for m in madvise never always; do
		echo; mode placement $m; "$BIN/placement_probe"
	done
	echo; mode f1 madvise;                           "$BIN/fault_probe"
	echo; mode f2 always;                            "$BIN/fault_probe"
	echo; mode f3 never 64=always;                   "$BIN/fault_probe"
	echo; mode f4 never 16=always 32=always 64=always; "$BIN/fault_probe"
	echo; mode f5 madvise 64=madvise;                "$BIN/fault_probe"
	echo; mode f6 always 64=inherit;                 "$BIN/fault_probe"
	echo; mode f7 never;                             "$BIN/fault_probe"
	restore
	echo; "$BIN/mapcount_probe"
	echo; "$BIN/fork_probe"
} > "$OUT" 2>&1
rc=$?
echo "run.sh: wrote $OUT" >&2
exit $rc
