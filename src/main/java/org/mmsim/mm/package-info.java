/**
 * Layer 4 — address spaces: VMAs with Linux split and merge rules, mmap, munmap, mremap, mprotect, madvise, the
 * anonymous fault handler (swap-in included), THP splitting, reverse-mapping counts, MADV_PAGEOUT reclaim and
 * try_to_unmap ({@code Vmscan}, {@code TryToUnmap}), fault injection for the swap-out path, tunables and the seed
 * features. Results are kernel style (value or negative errno). Depends on {@code arch}, {@code phys},
 * {@code pgtable} and the swap device and cache of {@code swap} (which itself depends only on {@code arch} and
 * {@code phys}).
 */
package org.mmsim.mm;
