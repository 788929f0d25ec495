# In the spirit of stress-ng bigheap (the workload of the LKP regression behind seed 002): a heap grown again and
# again by mremap(MREMAP_MAYMOVE) a few pages at a time, the new tail written each time. The heap moves whenever
# the space after it is taken (here: a guard mapping placed right after it every few steps), so every present
# PTE is moved many times. On x86-64 mremap-pte-batch without mremap-batch-hint looks a folio up per present PTE;
# compare -k patched,-mremap-batch-hint with -k patched. Scale down: -p STEPS=50. stress-ng grows its heap by 64K
# (its default) until memory runs out; `mmsim bench` runs this script at that growth up to a 1 GiB heap
# (-p STEPS=16K -p GROW=64K: 2,050 moves, 268 million PTEs moved, about 4 s on the live kernel).
param STEPS = 500
param GROW = 16K
param START = 64K

set thp = never

heap = mmap(0, START, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
expect heap != -1
memset(heap, 1, START)
len = START
moves = 0
region "realloc" {
  for i in 0..STEPS {
    # every 8th step something is mapped right after the heap, so the growth cannot stay in place
    if i % 8 == 0 {
      g = mmap(heap + len, 4K, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE)
    }
    n = mremap(heap, len, len + GROW, MREMAP_MAYMOVE)
    expect n != -1, "realloc"
    if n != heap {
      moves += 1
    }
    memset(n + len, (i % 250) + 2, GROW)
    heap = n
    len += GROW
  }
}
expect moves > 0, "the heap moved"
expect peek(heap) == 1, "the first bytes survived every move"
expect peek(heap + START) == 2, "the first growth survived"
expect peek(heap + len - 1) == ((STEPS - 1) % 250) + 2, "the last growth is there"
expect munmap(heap, len) == 0
