# Shared anonymous memory (shmem), what Linux 6.18 does, checked on the host by ShmemOracleTest. Fault-around: a
# read fault that finds no entry maps the page-cache pages of a 16-page window around it (do_fault_around, then
# filemap_map_pages), cut at the VMA, the PTE table and the object's size (i_size); pages not in the page cache and
# entries already set are left alone; a write fault maps only its own page. Past i_size an access is SIGBUS. A PMD
# mapping that must be split is dropped.
set thp = never
# a reserved stretch, so that the mappings below have known alignments
base = mmap(0, 16M, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS)
expect base != -1
a = (base + 2M - 1) & ~(2M - 1)
s = mmap(a, 1M, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED)
expect s == a
memset(s, 5, 1M)
expect madvise(s, 1M, MADV_DONTNEED) == 0
expect present(s) == 0
# a read in page 21 maps pages 16..31, its window
expect peek(s + 21 * 4K + 7) == 5
for i in 0..64 {
  expect present(s + i * 4K) == (i >= 16 && i < 32), "read window"
}
# a write maps only its own page
poke(s + 40 * 4K, 6)
for i in 32..48 {
  expect present(s + i * 4K) == (i == 40), "write"
}
# a read next to it maps the rest of that window and leaves the written page as it is
expect peek(s + 41 * 4K) == 5
for i in 32..48 {
  expect present(s + i * 4K) == 1, "second window"
}
expect peek(s + 40 * 4K) == 6
# pages the page cache does not have are not mapped: punch a hole, then read next to it
expect madvise(s + 64 * 4K, 16 * 4K, MADV_DONTNEED) == 0
expect madvise(s + 66 * 4K, 3 * 4K, MADV_REMOVE) == 0
expect peek(s + 70 * 4K) == 5
for i in 64..80 {
  expect present(s + i * 4K) == (i < 66 || i > 68), "hole"
}
expect peek(s + 67 * 4K) == 0, "the hole reads back as zeroes"
# a VMA that starts and ends inside a window: the window is clamped to it
t = mmap(a + 1M + 12K, 40K, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED)
expect t == a + 1M + 12K
memset(t, 3, 40K)
expect madvise(t, 40K, MADV_DONTNEED) == 0
expect peek(t + 4K) == 3
for i in 0..10 {
  expect present(t + i * 4K) == 1, "clamped to the VMA"
}
# a VMA that starts inside a window: the window starts at the VMA's start and is 16 pages long
u = mmap(a + 1M + 76K, 128K, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED)
expect u == a + 1M + 76K
memset(u, 8, 128K)
expect madvise(u, 128K, MADV_DONTNEED) == 0
expect peek(u + 4K) == 8
for i in 0..32 {
  expect present(u + i * 4K) == (i < 16), "from the VMA's start"
}
# a mapping grown beyond the object's size: the window stops at i_size, and the pages beyond it are SIGBUS
q = mmap(a + 2M, 40K, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED)
memset(q, 1, 40K)
r = mremap(q, 40K, 128K, MREMAP_MAYMOVE|MREMAP_FIXED, a + 3M)
expect r == a + 3M
expect madvise(r, 128K, MADV_DONTNEED) == 0
expect peek(r + 4K) == 1
for i in 0..16 {
  expect present(r + i * 4K) == (i < 10), "not past i_size"
}
expect_fault { peek(r + 48K) }
expect_fault { poke(r + 40K, 2) }
expect present(r + 40K) == 0
# within the object's size a grown mapping is fine: 4 pages, 3 unmapped, grown back in place
g = mmap(a + 4M, 16K, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED)
expect munmap(g + 4K, 12K) == 0
expect mremap(g, 4K, 12K, 0) == g
poke(g + 8K, 4)
expect peek(g + 8K) == 4
# a forked child faults around in its own page tables
c = fork()
in c {
  expect present(s + 100 * 4K) == 0
  expect peek(s + 100 * 4K) == 5
  for i in 96..112 {
    expect present(s + i * 4K) == 1, "child window"
  }
}
expect present(s + 100 * 4K) == 0, "the parent's entries are its own"
exit(c)
# a PMD-mapped shmem THP whose PMD must be split is unmapped whole instead (__split_huge_pmd of a file folio): by a
# VMA split at an address inside it and by a MADV_DONTNEED of part of it; the pages stay in the object
set shmem_thp = always
h = mmap(a + 4M, 4M, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED)
expect h == a + 4M
memset(h, 6, 4M)
expect present(h) == 1 && present(h + 2M) == 1
expect madvise(h + 1M, 4K, MADV_NOHUGEPAGE) == 0
expect present(h) == 0 && present(h + 1M) == 0 && present(h + 2M - 4K) == 0, "split by the VMA split"
expect present(h + 2M) == 1
expect madvise(h + 3M, 4K, MADV_DONTNEED) == 0
expect present(h + 2M) == 0 && present(h + 4M - 4K) == 0, "split by the partial zap"
expect peek(h + 3M + 5) == 6 && peek(h + 1M) == 6, "the object kept every page"
# MADV_COLD of part of a large folio splits it (split_folio), which unmaps all of it; a read then maps only the
# window, as the pages are order-0 folios now; the same for part of a PMD-mapped one
set shmem_thp = never
set shmem_mthp 128K = always
k = mmap(a + 8M, 256K, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED)
memset(k, 4, 256K)
expect present(k) == 1 && present(k + 124K) == 1
expect madvise(k + 4K, 8K, MADV_COLD) == 0
for i in 0..64 {
  expect present(k + i * 4K) == (i >= 32), "the first folio was split and unmapped"
}
expect peek(k + 40K) == 4
for i in 0..32 {
  expect present(k + i * 4K) == (i >= 0 && i < 16) || (i == 10), "order-0 pages: the window only"
}
expect madvise(k + 128K, 128K, MADV_PAGEOUT) == 0
expect present(k + 128K) == 0 && present(k + 252K) == 0, "pageout of a whole folio unmaps it"
expect peek(k + 200K) == 4
expect present(k + 128K) == 1 && present(k + 252K) == 1, "still one 128K folio: mapped whole again"
set shmem_thp = always
expect madvise(h, 4M, MADV_DONTNEED) == 0
expect peek(h + 2M + 5) == 6
expect present(h + 4M - 4K) == 1, "mapped by a PMD (the first 2M span three VMAs since the NOHUGEPAGE above)"
expect madvise(h + 2M + 8K, 4K, MADV_COLD) == 0
expect present(h + 2M) == 0 && present(h + 3M) == 0, "split: unmapped"
expect peek(h + 3M) == 6
expect present(h + 3M + 64K) == 0 && present(h + 3M + 60K) == 1, "order-0 pages now"
# a hole punched in a large folio splits it without making it all order 0 (folio_split): page 13 of a 256K folio
# punched leaves folios of 32 (pages 32-63) and 16 pages (16-31), each mapped whole by the next read fault
set shmem_thp = never
set shmem_mthp 128K = never
set shmem_mthp 256K = always
b = mmap(a + 10M, 256K, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED)
memset(b, 3, 256K)
expect madvise(b + 13 * 4K, 4K, MADV_REMOVE) == 0
for i in 0..64 {
  expect present(b + i * 4K) == 0, "the split unmapped all of it"
}
expect peek(b + 40 * 4K) == 3
for i in 16..64 {
  expect present(b + i * 4K) == (i >= 32), "pages 32-63 are one folio"
}
expect peek(b + 20 * 4K) == 3
expect present(b + 16 * 4K) == 1 && present(b + 31 * 4K) == 1 && present(b + 15 * 4K) == 0, "pages 16-31 are one folio"
expect peek(b + 13 * 4K) == 0, "the hole"
expect munmap(base, 16M) == 0
