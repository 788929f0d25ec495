/**
 * Layer 2 — physical memory: page frames in struct-of-arrays form indexed by PFN, the buddy allocator (orders
 * 0..10), folio metadata (order, refcount, mapcount, PageAnonExclusive, flags) and sparse page contents.
 * Depends only on {@code arch}.
 */
package org.mmsim.phys;
