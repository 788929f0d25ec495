# Seed 001 ("Optimize anonymous large folio unmapping", Dev Jain): time MADV_PAGEOUT of 256 MiB
# backed by 64K large folios. The C program mmaps with no hint, memsets to 0, and times one
# madvise(MADV_PAGEOUT). Run with -p FOLIO=4K for the small-folio variant.
#
# Without a swap device (this script sets none, like a machine without swap) Linux has nowhere
# to write anonymous pages: MADV_PAGEOUT still returns 0 and the pages stay resident.
param SIZE = 256M
param FOLIO = 64K

set thp = never
if FOLIO == 64K {
  set mthp 64K = always
}

addr = mmap(0, SIZE, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
expect addr != -1, "mmap failed"
memset(addr, 0, SIZE)

region "pageout" {
  r = madvise(addr, SIZE, MADV_PAGEOUT)
}
expect r == 0, "madvise(MADV_PAGEOUT) failed"
expect present(addr) == 1 && present(addr + SIZE - 1) == 1, "no swap: pages stay resident"
expect checksum(addr, 64K) == checksum(addr + SIZE - 64K, 64K)
expect munmap(addr, SIZE) == 0
