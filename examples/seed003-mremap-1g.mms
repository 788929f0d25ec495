# Seed 003 ("speed up mremap by 20x on large regions", Joel Fernandes): move 1 GiB without THP. When source,
# destination and length are PMD-aligned, move-pmd moves 512 PTE tables instead of 262,144 PTEs (and move-pud
# one PMD table); a destination offset by 4K forces the PTE-by-PTE move. Compare -k baseline,
# -k move-pmd and -k patched. Scale down: -p SIZE=64M.
param SIZE = 1G

set thp = never

# ---- aligned: 1G -> 4G ----
p = mmap(1G, SIZE, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED)
expect p == 1G
memset(p, 0x5A, SIZE)
sum = checksum(p, SIZE)
region "aligned" {
  q = mremap(p, SIZE, SIZE, MREMAP_MAYMOVE|MREMAP_FIXED, 4G)
}
expect q == 4G, "moved to the 1G-aligned destination"
expect mapped(p) == 0
expect present(q) && present(q + SIZE - 1)
expect checksum(q, SIZE) == sum, "contents moved"

# ---- unaligned: 4G -> 8G + 4K ----
region "unaligned" {
  r = mremap(q, SIZE, SIZE, MREMAP_MAYMOVE|MREMAP_FIXED, 8G + 4K)
}
expect r == 8G + 4K, "moved to the 4K-offset destination"
expect mapped(q) == 0
expect present(r) && present(r + SIZE - 1)
expect checksum(r, SIZE) == sum, "contents moved"
expect munmap(r, SIZE) == 0
