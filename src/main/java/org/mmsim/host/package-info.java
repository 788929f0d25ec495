/**
 * The host backend: {@link org.mmsim.workload.MemoryApi} on the live kernel, so that a script run on the model can
 * be run, unchanged, on Linux itself. See {@link org.mmsim.host.HostBackend} for the address window and the
 * ownership rule that keeps the script away from the JVM's own memory, and the README's host section.
 */
package org.mmsim.host;
