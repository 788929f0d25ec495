package org.mmsim.host;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc calls of the host backend as FFM downcalls, each capturing errno right after the call (the JVM may
 * overwrite errno before Java code could read it). Addresses and results are plain longs; a failing call returns
 * -1 and leaves the error in {@link #errno()}. One instance per backend; not thread-safe (the script runs on one
 * thread).
 */
final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERR = Linker.Option.captureCallState("errno");

    private static final MethodHandle MMAP = handle("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), ERR);
    private static final MethodHandle MUNMAP = handle("munmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG), ERR);
    /** mremap is variadic after its fourth argument (new_address); FFM must pass it as a variadic argument. */
    private static final MethodHandle MREMAP = handle("mremap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG),
            ERR, Linker.Option.firstVariadicArg(4));
    private static final MethodHandle MPROTECT = handle("mprotect",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), ERR);
    private static final MethodHandle MADVISE = handle("madvise",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), ERR);
    private static final MethodHandle GETPID = handle("getpid", FunctionDescriptor.of(JAVA_INT));

    private final MemorySegment state = Arena.ofAuto().allocate(STATE);

    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment sym = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no " + name));
        return LINKER.downcallHandle(sym, fd, options);
    }

    /** errno of the last failing call. */
    int errno() { return (int) ERRNO.get(state, 0L); }

    long mmap(long addr, long len, int prot, int flags, int fd, long off) {
        try {
            return (long) MMAP.invokeExact(state, addr, len, prot, flags, fd, off);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int munmap(long addr, long len) {
        try {
            return (int) MUNMAP.invokeExact(state, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long mremap(long old, long oldLen, long newLen, int flags, long newAddr) {
        try {
            return (long) MREMAP.invokeExact(state, old, oldLen, newLen, flags, newAddr);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int mprotect(long addr, long len, int prot) {
        try {
            return (int) MPROTECT.invokeExact(state, addr, len, prot);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int madvise(long addr, long len, int advice) {
        try {
            return (int) MADVISE.invokeExact(state, addr, len, advice);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The JVM's process id as the kernel sees it. */
    static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
