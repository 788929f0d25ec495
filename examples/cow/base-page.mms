# cow.c, anonymous memory in private mappings: "Basic COW after fork()" ... with base page.
param MPROTECT = 0    # 1: "Basic COW after fork() with mprotect() optimization"

mem = mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS)
expect madvise(mem, PAGE_SIZE, MADV_NOHUGEPAGE) == 0
memset(mem, 1, PAGE_SIZE)
size = PAGE_SIZE

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
expect munmap(mem, PAGE_SIZE) == 0
