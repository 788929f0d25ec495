package org.mmsim.workload;

/**
 * A user access that the kernel answered with a fatal signal: SIGSEGV (no VMA, or the VMA forbids the access) or
 * SIGBUS (a shared mapping's page beyond the end of its object, which the mapping covers since an mremap grew it).
 */
public final class Segfault extends RuntimeException {
    private final long addr;
    private final boolean write;
    private final boolean bus;

    /** SIGSEGV at addr. */
    public Segfault(long addr, boolean write) { this(addr, write, false); }

    /** SIGBUS at addr if {@code bus}, else SIGSEGV. */
    public Segfault(long addr, boolean write, boolean bus) {
        super(String.format("%s: %s at 0x%x", bus ? "SIGBUS" : "SIGSEGV", write ? "write" : "read", addr), null,
                false, false);
        this.addr = addr;
        this.write = write;
        this.bus = bus;
    }

    /** The faulting address. */
    public long addr() { return addr; }

    /** True for a write access. */
    public boolean write() { return write; }

    /** True for SIGBUS, false for SIGSEGV. */
    public boolean bus() { return bus; }

    /** The signal's name: SIGSEGV or SIGBUS. */
    public String signal() { return bus ? "SIGBUS" : "SIGSEGV"; }
}
