/**
 * The host backend: {@link org.mmsim.workload.MemoryApi} on the live kernel, so that a script run on the model can
 * be run, unchanged, on Linux itself and the two compared.
 *
 * <ul>
 * <li>{@link org.mmsim.host.HostBackend}: the calls (FFM downcalls to libc with errno captured), the 4 TiB address
 * window at a 1 GiB-aligned base (script address + base = host address), the ownership rule that lets the
 * script modify or access only memory the kernel gave it, accesses bounded from the VMA view so that they raise
 * {@link org.mmsim.workload.Segfault} where a program would fault, pagemap queries.</li>
 * <li>Maps / MapsQuery: VMAs of a process from /proc/PID/maps, through the PROCMAP_QUERY ioctl when available.</li>
 * <li>Ownership: the host ranges the script holds.</li>
 * <li>HostSettings: THP sysfs knobs and a temporary swapfile, with a guardian process that restores them
 * however the JVM ends, and a machine-wide lock that serialises host runs.</li>
 * <li>Child: fork through an x86-64 stub (resources host/child.S and child.bin) whose child serves syscall and
 * memory commands over pipes, sharing the script's memory copy-on-write.</li>
 * </ul>
 * Refusals are {@link org.mmsim.host.HostRefusal}s: exit 2 when the script asked for something the backend will
 * not do, exit 3 when the host does not allow it. The README's "The host backend" section is the user's view.
 */
package org.mmsim.host;
