/**
 * Layer 1 — architecture profiles: page and table geometry, the PTE bit layouts of x86-64 and arm64 (in a
 * {@code long}), swap-entry formats, TLB-flush rules, and the {@link org.mmsim.arch.Event} counters every layer
 * above counts into. Depends on nothing else in mmsim.
 */
package org.mmsim.arch;
