/**
 * Layer 7 — the invariant checker (every PTE, folio count, rmap and VMA consistent) and, later, fault injection.
 * Depends on {@code kernel} and the layers below.
 */
package org.mmsim.check;
