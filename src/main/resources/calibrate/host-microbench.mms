# Calibration microbenchmarks for mmsim calibrate --backend host: each region isolates one kind of kernel work on
# SIZE bytes so the host's wall time, set against the model's counts of the same region, fixes one cost. They are
# deliberately unlike the seed workloads (256 MiB, one pass per region, no seed loop, other addresses).
param SIZE = 256M

# ---- user memory bandwidth over mapped 4K pages ----
set thp = never
a = mmap(0, SIZE, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
expect a != -1
region "fault-4k" {
  memset(a, 1, SIZE)
}
region "memset-warm" {
  memset(a, 2, SIZE)
}
region "checksum" {
  s = checksum(a, SIZE)
}
# short system calls: on the host this also measures the backend's own per-call checks, which every host region
# pays once per call; the fit puts both into SYSCALL
region "null-calls" {
  repeat 100 {
    r = madvise(a, 4K, MADV_NORMAL)
  }
}

# ---- PTE passes over 4K pages ----
region "mprotect-4k" {
  expect mprotect(a, SIZE, PROT_READ) == 0
  expect mprotect(a, SIZE, PROT_READ|PROT_WRITE) == 0
}
# a destination 4K off PMD alignment forces move_ptes for every entry
region "mremap-pte" {
  b = mremap(a, SIZE, SIZE, MREMAP_MAYMOVE|MREMAP_FIXED, 128G + 4K)
}
expect b == 128G + 4K
# back to a PMD-aligned address: the source is still 4K off, so move_ptes again
region "mremap-realign" {
  c = mremap(b, SIZE, SIZE, MREMAP_MAYMOVE|MREMAP_FIXED, 192G + 2M)
}
expect c == 192G + 2M
# both ends PMD-aligned (not 1 GiB-aligned): move_normal_pmd for every 2 MiB
region "mremap-pmd" {
  g = mremap(c, SIZE, SIZE, MREMAP_MAYMOVE|MREMAP_FIXED, 256G + 4M)
}
expect g == 256G + 4M
region "munmap-4k" {
  expect munmap(g, SIZE) == 0
}

# ---- 64K mTHP ----
set mthp 64K = always
m = mmap(0, SIZE, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
expect m != -1
region "fault-64k" {
  memset(m, 1, SIZE)
}
region "mprotect-64k" {
  expect mprotect(m, SIZE, PROT_READ) == 0
  expect mprotect(m, SIZE, PROT_READ|PROT_WRITE) == 0
}
region "munmap-64k" {
  expect munmap(m, SIZE) == 0
}
set mthp 64K = never

# ---- PMD THP ----
set thp = always
h = mmap(0, SIZE + 2M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
expect h != -1
ha = ((h + 2M - 1) / 2M) * 2M
region "fault-pmd" {
  memset(ha, 1, SIZE)
}
region "munmap-pmd" {
  expect munmap(h, SIZE + 2M) == 0
}
set thp = never
