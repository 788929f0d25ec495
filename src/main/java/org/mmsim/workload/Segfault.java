package org.mmsim.workload;

/** A user access that the kernel answered with SIGSEGV (no VMA, or the VMA forbids the access). */
public final class Segfault extends RuntimeException {
    private final long addr;
    private final boolean write;

    public Segfault(long addr, boolean write) {
        super(String.format("SIGSEGV: %s at 0x%x", write ? "write" : "read", addr), null, false, false);
        this.addr = addr;
        this.write = write;
    }

    /** The faulting address. */
    public long addr() { return addr; }

    /** True for a write access. */
    public boolean write() { return write; }
}
