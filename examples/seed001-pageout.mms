# Seed 001 ("Optimize anonymous large folio unmapping", Dev Jain): time MADV_PAGEOUT of 256 MiB
# backed by 64K large folios. The C program mmaps with no hint, memsets to 0, and times one
# madvise(MADV_PAGEOUT). Run with -p FOLIO=4K for the small-folio variant, --kernel baseline|patched
# to compare (the feature is anon-unmap-batch), --arch arm64|x86_64.
#
# The benchmark's pages are all zero, so 6.18 swaps them out without I/O (only a zero mark per
# slot, SWPOUT_ZERO); the unmap work the seed batches is the same as for written data.
#
# The swap is a block device (a partition, zram or a loop device): only a block device takes a
# 64K folio whole. On a swap *file* Linux splits each large folio first (and maps its zero-filled
# pages to the shared zero page), so nothing of seed 001 runs: see it with -p SWAP_FILE=1.
param SIZE = 256M
param FOLIO = 64K
param SWAP_FILE = 0

if SWAP_FILE {
  set swap = 1G
} else {
  set swap partition = 1G
}
set thp = never
if FOLIO == 64K {
  set mthp 64K = always
}

addr = mmap(0, SIZE, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
expect addr != -1, "mmap failed"
memset(addr, 0, SIZE)
sum = checksum(addr, SIZE)

region "pageout" {
  r = madvise(addr, SIZE, MADV_PAGEOUT)
}
expect r == 0, "madvise(MADV_PAGEOUT) failed"
if SWAP_FILE && FOLIO == 64K {
  expect present(addr) && present(addr + SIZE - 1), "split, and every zero-filled page maps the zero page"
} else {
  expect swapped(addr) == 1 && swapped(addr + SIZE - 1) == 1, "every page is swapped out"
  expect present(addr + SIZE / 2) == 0
}

region "swapin" {
  expect checksum(addr, SIZE) == sum, "the data comes back"
}
expect present(addr) == 1 && swapped(addr) == 0
expect munmap(addr, SIZE) == 0
