# fork() of an address space full of large folios: copy_pte_range copies the PTEs of one folio as a batch
# (folio_pte_batch, one wrprotect_ptes on the parent, one set_ptes in the child), so the PTE batch operations
# scale with folios, not pages. Compare the regions' PTE_BATCH_OP, PTE_WRITE and (arm64) contpte counters, and the
# COW copies when the parent then writes one byte per 64K.
param SIZE = 64M

set mthp 64K = always
big = mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS)
memset(big, 1, SIZE)
region "fork 64K folios" {
    child = fork()
}
region "parent writes one byte per 64K" {
    for i in 0..SIZE / 64K {
        poke(big + i * 64K, 2)
    }
}
in child {
    expect peek(big) == 1 && peek(big + SIZE - 1) == 1, "the child keeps its data"
}
expect exit(child) == 0
expect munmap(big, SIZE) == 0

set mthp 64K = never
small = mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS)
expect madvise(small, SIZE, MADV_NOHUGEPAGE) == 0
memset(small, 1, SIZE)
region "fork 4K pages" {
    child = fork()
}
region "exit" {
    expect exit(child) == 0
}
