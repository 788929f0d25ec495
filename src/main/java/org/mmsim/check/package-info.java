/**
 * Layer 7 — the invariant checker (every PTE, folio count, rmap and VMA consistent): a full check, and an
 * incremental one that checks only what each call reported it changes ({@link org.mmsim.check.Checker}).
 * Depends on {@code kernel} and the layers below.
 */
package org.mmsim.check;
