package org.mmsim.workload;

/**
 * A user access that the kernel answered with a fatal signal: SIGSEGV (no VMA, or the VMA forbids the access) or
 * SIGBUS (a shared mapping's page beyond the end of its object). Scripts treat both as a fault.
 */
public final class Segfault extends RuntimeException {
    private final long addr;
    private final boolean write;

    public Segfault(long addr, boolean write) { this(addr, write, "SIGSEGV"); }

    /** A fault delivering {@code signal} ("SIGSEGV" or "SIGBUS"). */
    public Segfault(long addr, boolean write, String signal) {
        super(String.format("%s: %s at 0x%x", signal, write ? "write" : "read", addr), null, false, false);
        this.addr = addr;
        this.write = write;
    }

    /** The faulting address. */
    public long addr() { return addr; }

    /** True for a write access. */
    public boolean write() { return write; }
}
