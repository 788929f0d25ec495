# Seed 000 ("Optimize mremap() for large folios", Dev Jain): map 1 MiB at 1 GiB, write it, move it with
# mremap(MREMAP_MAYMOVE|MREMAP_FIXED) to addr + 1 MiB, unmap it; 10,000 times, with 64K folios.
# On arm64 the batch (mremap-pte-batch, with mremap-batch-hint) reads one entry per contpte block and keeps the
# blocks folded; compare -k baseline with -k patched on -a arm64 and -a x86_64. Scale down: -p LOOPS=10.
param SIZE = 1M
param LOOPS = 10000

set thp = never
set mthp 64K = always

repeat LOOPS {
  p = mmap(1G, SIZE, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
  expect p == 1G, "mmap at the hint"
  memset(p, 0xAA, SIZE)
  region "mremap" {
    q = mremap(p, SIZE, SIZE, MREMAP_MAYMOVE|MREMAP_FIXED, p + SIZE)
  }
  expect q == p + SIZE, "moved to addr + SIZE"
  expect mapped(p) == 0, "the source is gone"
  expect present(q) && present(q + SIZE - 1), "residency moved"
  expect peek(q) == 0xAA && peek(q + SIZE - 1) == 0xAA, "contents moved"
  expect munmap(q, SIZE) == 0
}
