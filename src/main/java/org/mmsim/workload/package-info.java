/**
 * Layer 8 — workloads: {@link org.mmsim.workload.MemoryApi} (the C calls a program makes) and its simulated
 * backend, the shared byte pattern and checksum, and (in {@code script}) the {@code .mms} language. Nothing
 * below this layer knows about scripts, the CLI or the host.
 */
package org.mmsim.workload;
