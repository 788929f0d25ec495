# cow.c: "Basic COW after fork()" ... with THP (2048 kB): a PMD-mapped THP, shared with the child at PMD level.
param THP = 2M        # the large folio size under test (cow.c thpsizes: 16K, 32K, ..., 1M, 2M)
param MPROTECT = 0    # 1: "Basic COW after fork() with mprotect() optimization"

# As cow.c run_anon_test_case: the PMD size off, the size under test always, madvise(MADV_HUGEPAGE) on it.
set mthp 2M = never
if THP == 16K { set mthp 16K = always }
else if THP == 32K { set mthp 32K = always }
else if THP == 64K { set mthp 64K = always }
else if THP == 128K { set mthp 128K = always }
else if THP == 256K { set mthp 256K = always }
else if THP == 512K { set mthp 512K = always }
else if THP == 1M { set mthp 1M = always }
else if THP == 2M { set mthp 2M = always }
else { expect 0, "THP must be one of 16K, 32K, ..., 1M, 2M" }
# do_run_with_thp: a THP-aligned area inside twice the size, populated by one touch, then filled.
mmap_size = 2 * THP
mmap_mem = mmap(0, mmap_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS)
mem = (mmap_mem + THP) & ~(THP - 1)
expect madvise(mem, THP, MADV_HUGEPAGE) == 0
poke(mem, 1)
expect present(mem + THP - PAGE_SIZE), "one touch populated the whole large folio"
memset(mem, 1, THP)
size = THP

# test_cow_in_parent (MPROTECT = 0) / test_cow_in_parent_mprotect (MPROTECT = 1) on [mem, mem + size):
# the child takes its copy of the data, the parent writes, the child must still see its copy.
old = checksum(mem, size)
child = fork()
expect child > 0
in child {
    expect checksum(mem, size) == old, "the child reads the data as it was at fork"
}
if MPROTECT {
    # the mprotect() optimization: RO then RW may map pages writable again; shared ones must not be
    expect mprotect(mem, size, PROT_READ) == 0
    expect mprotect(mem, size, PROT_READ | PROT_WRITE) == 0
}
memset(mem, 0xff, size)
expect peek(mem) == 0xff && peek(mem + size - 1) == 0xff, "the parent sees its own write"
in child {
    expect checksum(mem, size) == old, "the child still sees the old data after the parent wrote"
}
expect exit(child) == 0
expect munmap(mmap_mem, mmap_size) == 0
