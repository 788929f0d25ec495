package org.mmsim.difftest;

import org.mmsim.workload.MemoryApi;
import org.mmsim.workload.Segfault;

/**
 * One call of a difftest sequence, with concrete arguments: it runs on a backend, says which addresses it may have
 * changed, and writes itself as a {@code .mms} statement.
 */
sealed interface Op {
    /** Runs the call on {@code api}; exceptions of the backend become part of the outcome. */
    Outcome run(MemoryApi api, Window w);

    /** The call as a {@code .mms} expression (or the whole statement for {@link Set}). */
    String call(Window w);

    /** Address ranges {lo, hi, lo, hi, ...} whose pages the call may have changed (clipped to the window later). */
    default long[] touched() { return new long[0]; }

    /** True for a system call, whose result the script keeps in {@code r}. */
    default boolean syscall() { return false; }

    /** Length to unmap after a mapping placed outside the window, or 0 for calls that do not map. */
    default long mappedLength() { return 0; }

    /** mmap(2) of anonymous memory; fd is always -1. */
    record Mmap(long addr, long len, int prot, int flags, long offset) implements Op {
        public Outcome run(MemoryApi api, Window w) {
            return placed(api, w, api.mmap(addr, len, prot, flags, -1, offset), len);
        }
        public String call(Window w) {
            String tail = offset == 0 ? "" : ", -1, " + Fmt.size(offset);
            return "mmap(" + Fmt.addr(w, addr) + ", " + Fmt.size(len) + ", " + Fmt.prot(prot) + ", "
                    + Fmt.mapFlags(flags) + tail + ")";
        }
        public long[] touched() { return new long[] {addr, addr + len}; }
        public boolean syscall() { return true; }
        public long mappedLength() { return len; }
    }

    record Munmap(long addr, long len) implements Op {
        public Outcome run(MemoryApi api, Window w) { return Outcome.syscall(api.munmap(addr, len), api.errno()); }
        public String call(Window w) { return "munmap(" + Fmt.addr(w, addr) + ", " + Fmt.size(len) + ")"; }
        public long[] touched() { return new long[] {addr, addr + len}; }
        public boolean syscall() { return true; }
    }

    record Mremap(long oldAddr, long oldLen, long newLen, int flags, long newAddr) implements Op {
        public Outcome run(MemoryApi api, Window w) {
            return placed(api, w, api.mremap(oldAddr, oldLen, newLen, flags, newAddr), newLen);
        }
        public String call(Window w) {
            String tail = newAddr == 0 ? "" : ", " + Fmt.addr(w, newAddr);
            return "mremap(" + Fmt.addr(w, oldAddr) + ", " + Fmt.size(oldLen) + ", " + Fmt.size(newLen) + ", "
                    + Fmt.mremapFlags(flags) + tail + ")";
        }
        public long[] touched() {
            return new long[] {oldAddr, oldAddr + Math.max(oldLen, newLen), newAddr, newAddr + newLen};
        }
        public boolean syscall() { return true; }
        public long mappedLength() { return newLen; }
    }

    record Mprotect(long addr, long len, int prot) implements Op {
        public Outcome run(MemoryApi api, Window w) { return Outcome.syscall(api.mprotect(addr, len, prot), api.errno()); }
        public String call(Window w) {
            return "mprotect(" + Fmt.addr(w, addr) + ", " + Fmt.size(len) + ", " + Fmt.prot(prot) + ")";
        }
        public long[] touched() { return new long[] {addr, addr + len}; }
        public boolean syscall() { return true; }
    }

    record Madvise(long addr, long len, int advice) implements Op {
        public Outcome run(MemoryApi api, Window w) { return Outcome.syscall(api.madvise(addr, len, advice), api.errno()); }
        public String call(Window w) {
            return "madvise(" + Fmt.addr(w, addr) + ", " + Fmt.size(len) + ", " + Fmt.advice(advice) + ")";
        }
        public long[] touched() { return new long[] {addr, addr + len}; }
        public boolean syscall() { return true; }
    }

    record Memset(long addr, int c, long len) implements Op {
        public Outcome run(MemoryApi api, Window w) { return access(() -> { api.memset(addr, c, len); return 0; }); }
        public String call(Window w) { return "memset(" + Fmt.addr(w, addr) + ", " + Fmt.hex(c) + ", " + Fmt.size(len) + ")"; }
        public long[] touched() { return new long[] {addr, addr + len}; }
    }

    record Poke(long addr, int value) implements Op {
        public Outcome run(MemoryApi api, Window w) { return access(() -> { api.poke(addr, value); return 0; }); }
        public String call(Window w) { return "poke(" + Fmt.addr(w, addr) + ", " + Fmt.hex(value) + ")"; }
        public long[] touched() { return new long[] {addr, addr + 1}; }
    }

    record Peek(long addr) implements Op {
        public Outcome run(MemoryApi api, Window w) { return access(() -> api.peek(addr)); }
        public String call(Window w) { return "peek(" + Fmt.addr(w, addr) + ")"; }
        public long[] touched() { return new long[] {addr, addr + 1}; }
    }

    record Pattern(long addr, long len, long seed) implements Op {
        public Outcome run(MemoryApi api, Window w) { return access(() -> { api.pattern(addr, len, seed); return 0; }); }
        public String call(Window w) { return "pattern(" + Fmt.addr(w, addr) + ", " + Fmt.size(len) + ", " + seed + ")"; }
        public long[] touched() { return new long[] {addr, addr + len}; }
    }

    record Checksum(long addr, long len) implements Op {
        public Outcome run(MemoryApi api, Window w) { return access(() -> api.checksum(addr, len)); }
        public String call(Window w) { return "checksum(" + Fmt.addr(w, addr) + ", " + Fmt.size(len) + ")"; }
        public long[] touched() { return new long[] {addr, addr + len}; }
    }

    /** A tunable ({@code thp}, {@code mthp 64K}) as a script's {@code set} statement gives it. */
    record Set(String key, String value) implements Op {
        public Outcome run(MemoryApi api, Window w) {
            try {
                api.set(key, value);
                return Outcome.value(0);
            } catch (RuntimeException e) {
                return Outcome.thrown(e);
            }
        }
        public String call(Window w) { return "set " + key + " = " + value; }
    }

    /** A user access: a SIGSEGV or SIGBUS is part of the outcome. */
    private static Outcome access(java.util.function.LongSupplier body) {
        try {
            return Outcome.value(body.getAsLong());
        } catch (Segfault f) {
            return Outcome.fault(f.addr(), f.bus());
        } catch (RuntimeException e) {
            return Outcome.thrown(e);
        }
    }

    /**
     * The outcome of a call that places a mapping: a mapping outside the window is digested (residency and
     * contents of each page) and unmapped at once, so that the next calls see only the window.
     */
    private static Outcome placed(MemoryApi api, Window w, long ret, long len) {
        Outcome o = Outcome.syscall(ret, api.errno());
        if (ret == -1 || w.contains(ret)) return o;
        long n = (len + Window.PAGE - 1) & -Window.PAGE;
        long[] digest = Probe.digest(api, ret, n);
        api.munmap(ret, n);
        return o.movedOutside(digest);
    }
}
