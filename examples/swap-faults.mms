# model-only: it injects failures into the model's swap-out path (`inject`), which the live kernel cannot do
# Swap-out failures (seed 001 review bug): every step of unmapping an anonymous folio for swap-out can fail,
# and the unmap must then put back every PTE it had cleared. Each case injects one failure into MADV_PAGEOUT
# of one 64K folio and checks that the folio is still mapped with its data; a second MADV_PAGEOUT then swaps
# it out. Run with --check: the invariant checker verifies PTEs, mapcounts and swap counts after every call.
# With --kernel patched (anon-unmap-batch) the whole folio stays mapped; with baseline the pages unmapped
# before the failing one are already swapped out (one PTE at a time), the rest stay.
set swap partition = 64M
set thp = never
set mthp 64K = always

p = mmap(0, 256K, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
expect p != -1
pattern(p, 256K, 42)
sum = checksum(p, 256K)

inject swap_dup_fail at 3
expect madvise(p, 64K, MADV_PAGEOUT) == 0
expect present(p + 60K), "the folio is still mapped after the failed swap-count raise"

inject arch_unmap_fail at 1
expect madvise(p + 64K, 64K, MADV_PAGEOUT) == 0
expect present(p + 64K), "arch_unmap_one refused: nothing unmapped"

inject folio_pinned at 1
expect madvise(p + 128K, 64K, MADV_PAGEOUT) == 0
expect present(p + 128K + 60K), "a pinned folio stays mapped"

inject swap_alloc_fail at 1
expect madvise(p + 192K, 64K, MADV_PAGEOUT) == 0
expect swapped(p + 192K) && swapped(p + 252K), "no run of 16 slots: the folio is split and swapped page by page"

expect checksum(p, 256K) == sum, "no byte lost"
expect madvise(p, 256K, MADV_PAGEOUT) == 0
expect swapped(p) && swapped(p + 128K + 60K)
expect checksum(p, 256K) == sum
expect munmap(p, 256K) == 0
