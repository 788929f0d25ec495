package org.mmsim.difftest;

import java.util.Arrays;

/**
 * What one call did, as the program sees it: the return value, errno when it failed, the address and signal of a
 * SIGSEGV or SIGBUS, an exception the backend threw instead of answering, and for a mapping placed outside the window
 * (mmap without a usable hint, mremap that moved) a digest of the new range instead of its address, which the two
 * kernels choose independently.
 *
 * @param ret the return value (for an access: the byte or checksum read, else 0)
 * @param errno errno after a failing system call, else 0
 * @param fault the faulting address of a SIGSEGV or SIGBUS, or -1
 * @param bus true if that fault was SIGBUS
 * @param outside true when {@code ret} is a successful mapping outside the window; then only {@code moved} counts
 * @param moved per page of the outside mapping: 0 absent, 1 present, 2 swapped; then the checksum of each present
 *              readable page (null unless outside)
 * @param exception the class and message of an exception the backend threw, or null
 */
record Outcome(long ret, int errno, long fault, boolean bus, boolean outside, long[] moved, String exception) {
    static Outcome value(long ret) { return new Outcome(ret, 0, -1, false, false, null, null); }

    static Outcome syscall(long ret, int errno) { return new Outcome(ret, ret == -1 ? errno : 0, -1, false, false, null, null); }

    static Outcome fault(long addr, boolean bus) { return new Outcome(0, 0, addr, bus, false, null, null); }

    static Outcome thrown(RuntimeException e) {
        return new Outcome(0, 0, -1, false, false, null, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    Outcome movedOutside(long[] digest) { return new Outcome(ret, 0, -1, false, true, digest, null); }

    /** The same observable result (outside addresses are not compared, their contents are). */
    boolean sameAs(Outcome o) {
        if (outside != o.outside || fault != o.fault || bus != o.bus || errno != o.errno) return false;
        if (exception == null ? o.exception != null : !exception.equals(o.exception)) return false;
        return outside ? Arrays.equals(moved, o.moved) : ret == o.ret;
    }

    String describe(Window w) {
        if (exception != null) return "threw " + exception;
        if (fault != -1) return (bus ? "SIGBUS" : "SIGSEGV") + " at " + Fmt.addr(w, fault);
        if (outside) return "a mapping outside the window (" + Fmt.hex(ret) + ")";
        if (ret == -1 && errno != 0) return "-1, errno " + Fmt.errno(errno);
        return w.contains(ret) ? Fmt.addr(w, ret) + " (" + ret + ")" : Long.toString(ret);
    }
}
