/**
 * Layer 6 — one simulated machine: architecture, features, tunables, physical memory, counters and the address
 * spaces of its processes. Depends on the layers below ({@code arch} .. {@code mm}, and {@code swap}).
 */
package org.mmsim.kernel;
