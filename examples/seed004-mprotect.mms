# Seed 004 ("Optimize mprotect() for large folios", Dev Jain): mprotect 1 GiB read-only and back to
# read-write 40 times, then explicit_bzero it, in three cases:
#   T1: PMD THPs made PTE-mapped by splitting the VMA around every 2 MiB (MADV_DONTFORK/DOFORK)
#   T2: 64K mTHPs (contpte blocks on arm64)
#   T3: 4K pages
# The feature mprotect-pte-batch changes only the counters (compare -k baseline with -k patched).
# Scale down for tests: -p SIZE=64M -p LOOPS=2.
param SIZE = 1G
param LOOPS = 40

# ---- T1: PTE-mapped THPs ----
set thp = always
p = mmap(1G, SIZE, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
expect p == 1G, "mmap T1"
memset(p, 0, SIZE)
expect madvise(p, SIZE, MADV_NOHUGEPAGE) == 0
memset(p, 0, SIZE)
zero = checksum(p, SIZE)
for i in 0..(SIZE / 2M) {
  expect madvise(p + i * 2M, 4K, MADV_DONTFORK) == 0
  expect madvise(p + i * 2M, 4K, MADV_DOFORK) == 0
}
expect vmas(p, SIZE) == 1, "DOFORK merged the pieces back"
region "T1" {
  repeat LOOPS {
    expect mprotect(p, SIZE, PROT_READ) == 0
    expect mprotect(p, SIZE, PROT_READ|PROT_WRITE) == 0
    memset(p, 0, SIZE)
  }
}
expect present(p) && present(p + SIZE - 1)
expect checksum(p, SIZE) == zero, "data intact"
expect munmap(p, SIZE) == 0

# ---- T2: 64K mTHPs ----
set thp = never
set mthp 64K = always
p = mmap(1G, SIZE, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
expect p == 1G, "mmap T2"
memset(p, 0, SIZE)
expect madvise(p, SIZE, MADV_NOHUGEPAGE) == 0
memset(p, 0, SIZE)
zero = checksum(p, SIZE)
region "T2" {
  repeat LOOPS {
    expect mprotect(p, SIZE, PROT_READ) == 0
    expect mprotect(p, SIZE, PROT_READ|PROT_WRITE) == 0
    memset(p, 0, SIZE)
  }
}
expect checksum(p, SIZE) == zero, "data intact"
expect munmap(p, SIZE) == 0

# ---- T3: 4K pages ----
set mthp 64K = never
p = mmap(1G, SIZE, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
expect p == 1G, "mmap T3"
memset(p, 0, SIZE)
expect madvise(p, SIZE, MADV_NOHUGEPAGE) == 0
memset(p, 0, SIZE)
zero = checksum(p, SIZE)
region "T3" {
  repeat LOOPS {
    expect mprotect(p, SIZE, PROT_READ) == 0
    expect mprotect(p, SIZE, PROT_READ|PROT_WRITE) == 0
    memset(p, 0, SIZE)
  }
}
expect checksum(p, SIZE) == zero, "data intact"
expect munmap(p, SIZE) == 0
