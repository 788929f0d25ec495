/**
 * Swap (mm/swapfile.c, mm/swap_state.c): the swap device with its slots, swap counts, zero marks and contents,
 * and the swap cache that ties folios to slots. Depends on {@code arch} (counters) and {@code phys} only; reclaim
 * (MADV_PAGEOUT), try_to_unmap and swap-in fault handling, which need page tables and VMAs, live in {@code mm}
 * and call in here.
 */
package org.mmsim.swap;
