# Shared anonymous memory (MAP_SHARED | MAP_ANONYMOUS): the pages belong to one shmem object, so data written
# through one mapping is seen through every other, across fork, after mremap moves a mapping, and through a
# second mapping made by mremap(old_len = 0). munmap of one mapping keeps the pages while another maps them.
param SIZE = 1M
set shmem_mthp 64K = always    # anonymous shmem folios of 64K (hugepages-64kB/shmem_enabled)

s = mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS)
pattern(s, SIZE, 7)
sum = checksum(s, SIZE)
child = fork()
in child {
    expect checksum(s, SIZE) == sum, "the child sees the shared pages, not copies"
    poke(s, 42)
}
expect peek(s) == 42, "the parent sees the child's write"

# Move the parent's mapping: the child's writes still show through it.
dst = mmap(0, SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS)
t = mremap(s, SIZE, SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, dst)
expect t == dst && !mapped(s)
in child { poke(s + 1, 43) }
expect peek(t + 1) == 43, "a write through the child's mapping is seen at the moved address"
poke(t + 2, 44)
in child { expect peek(s + 2) == 44, "and the other way round" }

# old_len = 0 duplicates a shared mapping: a second window on the same pages.
d = mremap(t, 0, SIZE, MREMAP_MAYMOVE)
expect d != -1 && d != t
poke(d + 3, 45)
expect peek(t + 3) == 45

# The parent unmaps both windows: the pages stay, because the child still maps them.
expect munmap(t, SIZE) == 0 && munmap(d, SIZE) == 0
in child { expect peek(s) == 42 && peek(s + 3) == 45, "pages survive munmap while another mapping remains" }
expect exit(child) == 0        # the last mapping goes: the object and its pages are freed (--check finds leaks)
