/**
 * Layer 3 — page tables: {@code long[512]} tables in a store, the 4-level walk, and the primitives of the kernel
 * API ({@code ptep_get}, {@code set_ptes}, {@code get_and_clear_full_ptes}, {@code folio_pte_batch}, ...) with
 * arm64 contpte management; each primitive counts its events. Depends on {@code arch} and {@code phys}.
 */
package org.mmsim.pgtable;
