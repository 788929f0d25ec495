/**
 * Layer 4 — address spaces: VMAs with Linux split and merge rules, mmap, munmap, mremap, mprotect, madvise, the
 * anonymous fault handler, THP splitting, reverse-mapping counts, tunables and the seed features. Results are
 * kernel style (value or negative errno). Depends on {@code arch}, {@code phys}, {@code pgtable}.
 */
package org.mmsim.mm;
