package org.mmsim.host;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A child process of the JVM made by fork(2), sharing its memory copy-on-write, that runs no Java: the JVM calls
 * a small machine-code stub (src/main/resources/host/child.S, assembled into child.bin) which forks and, in the
 * child, serves commands from pipes: a raw system call, memset, bytes into memory, bytes out of memory. The parent
 * drives it with {@link #syscall}, {@link #memset}, {@link #fill} and {@link #dump}; {@link #end} closes the
 * command pipe (the child exits at EOF, also when the JVM dies) and reaps it. x86-64 only.
 */
final class Child {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle PIPE2 = libc("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FCNTL = libc("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = libc("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = libc("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WAITPID = libc("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final int O_CLOEXEC = 0x80000;
    private static final int F_SETPIPE_SZ = 1031;
    /** Bytes moved per FILL or DUMP command: fits the enlarged pipes, so neither side ever waits on the other. */
    static final int CHUNK = 1 << 18;
    private static MethodHandle stub;

    private final int pid;
    private final int cmd;
    private final int dataIn;
    private final int reply;
    private final int dataOut;
    /** The transfer buffer, shared by all children (the script drives them from one thread). */
    private static MemorySegment shared;
    private final MemorySegment buf;
    private boolean ended;

    private Child(int pid, int cmd, int dataIn, int reply, int dataOut) {
        this.pid = pid;
        this.cmd = cmd;
        this.dataIn = dataIn;
        this.reply = reply;
        this.dataOut = dataOut;
        this.buf = shared;
    }

    /**
     * Maps the stub and the transfer buffer now, before the script maps anything: memory the JVM maps later may land
     * in a hole the script left among its kernel-chosen mappings, and the backend then refuses calls spanning it.
     */
    static synchronized void prepare(Libc libc) {
        stub(libc);
        if (shared == null) shared = Arena.global().allocate(CHUNK, 4096);
    }

    private static MethodHandle libc(String name, FunctionDescriptor fd, Linker.Option... o) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, o);
    }

    /** True where the stub can run (x86-64 Linux). */
    static boolean supported() {
        String a = System.getProperty("os.arch", "");
        return a.equals("amd64") || a.equals("x86_64");
    }

    /** The stub, copied once into an executable page of the JVM. */
    private static synchronized MethodHandle stub(Libc libc) {
        if (stub != null) return stub;
        byte[] code;
        try (InputStream in = Child.class.getResourceAsStream("/host/child.bin")) {
            if (in == null) throw new IllegalStateException("the fork stub /host/child.bin is missing from the jar");
            code = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the fork stub", e);
        }
        long page = libc.mmap(0, 4096, 3, 0x22, -1, 0);
        if (page == -1) throw new IllegalStateException("cannot map a page for the fork stub (errno " + libc.errno() + ")");
        MemorySegment.copy(code, 0, MemorySegment.ofAddress(page).reinterpret(4096), ValueLayout.JAVA_BYTE, 0, code.length);
        if (libc.mprotect(page, 4096, 5) != 0) throw new IllegalStateException("cannot make the fork stub executable");
        stub = LINKER.downcallHandle(MemorySegment.ofAddress(page), FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        return stub;
    }

    /** Forks the JVM; returns the child, or throws {@link Failed} with the errno of pipe2 or fork. */
    static Child fork(Libc libc) {
        prepare(libc);
        MethodHandle s = stub(libc);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT, 8);
            // 4 pipes: [0]/[4] commands, [1]/[5] data in, [6]/[2] replies, [7]/[3] data out (child end first)
            int[] ends = new int[8];
            int made = 0;
            try {
                for (int i = 0; i < 4; i++) {
                    int r = (int) PIPE2.invokeExact(p, O_CLOEXEC);
                    if (r != 0) throw new Failed(12);   // ENOMEM-like: out of descriptors or memory
                    int rd = p.getAtIndex(JAVA_INT, 0);
                    int wr = p.getAtIndex(JAVA_INT, 1);
                    int ignored = (int) FCNTL.invokeExact(rd, F_SETPIPE_SZ, 1 << 20);
                    boolean toChild = i < 2;
                    ends[i] = toChild ? rd : wr;
                    ends[i + 4] = toChild ? wr : rd;
                    made++;
                }
                MemorySegment fds = a.allocate(JAVA_INT, 8);
                for (int i = 0; i < 8; i++) fds.setAtIndex(JAVA_INT, i, ends[i]);
                long pid = (long) s.invokeExact(fds);
                for (int i = 0; i < 4; i++) close(ends[i]);
                if (pid < 0) {
                    for (int i = 4; i < 8; i++) close(ends[i]);
                    throw new Failed((int) -pid);
                }
                return new Child((int) pid, ends[4], ends[5], ends[6], ends[7]);
            } catch (Failed f) {
                if (made < 4) for (int i = 0; i < 8; i++) if (ends[i] > 0) close(ends[i]);
                throw f;
            }
        } catch (Failed f) {
            throw f;
        } catch (Throwable t) {
            throw new IllegalStateException("fork stub call failed", t);
        }
    }

    /** fork failed with this errno. */
    static final class Failed extends RuntimeException {
        final int errno;

        Failed(int errno) {
            super(null, null, false, false);
            this.errno = errno;
        }
    }

    int pid() { return pid; }

    /** A raw system call in the child: its result, -errno on failure. */
    long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        return command(0, nr, a1, a2, a3, a4, a5, a6);
    }

    /** memset in the child (plain user stores). */
    void memset(long addr, int c, long len) {
        check(command(1, addr, c & 0xff, len, 0, 0, 0, 0), 0, "memset");
    }

    /** Stores src[0..n) at addr in the child (n at most {@link #CHUNK}). */
    void fill(long addr, byte[] src, int n) {
        MemorySegment.copy(src, 0, buf, ValueLayout.JAVA_BYTE, 0, n);
        writeFully(dataIn, buf, n);
        check(command(2, addr, n, 0, 0, 0, 0, 0), n, "fill");
    }

    /** Reads n bytes (at most {@link #CHUNK}) at addr in the child into dst. */
    void dump(long addr, byte[] dst, int n) {
        long r = command(3, addr, n, 0, 0, 0, 0, 0);
        check(r, n, "dump");
        readFully(dataOut, buf, n);
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, dst, 0, n);
    }

    private void check(long got, long want, String what) {
        if (got != want) {
            end();
            throw new IllegalStateException("the forked child failed a " + what + " (" + got + "); it was ended");
        }
    }

    private long command(long op, long a0, long a1, long a2, long a3, long a4, long a5, long a6) {
        if (ended) throw new IllegalStateException("the child has exited");
        MemorySegment c = buf.asSlice(0, 64);
        long[] w = {op, a0, a1, a2, a3, a4, a5, a6};
        for (int i = 0; i < 8; i++) c.setAtIndex(JAVA_LONG, i, w[i]);
        writeFully(cmd, c, 64);
        readFully(reply, c, 8);
        return c.getAtIndex(JAVA_LONG, 0);
    }

    private void writeFully(int fd, MemorySegment s, long n) {
        try {
            for (long done = 0; done < n; ) {
                long r = (long) WRITE.invokeExact(fd, s.asSlice(done), n - done);
                if (r <= 0) throw new IllegalStateException("the forked child is gone (write to its pipe failed)");
                done += r;
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void readFully(int fd, MemorySegment s, long n) {
        try {
            for (long done = 0; done < n; ) {
                long r = (long) READ.invokeExact(fd, s.asSlice(done), n - done);
                if (r <= 0) throw new IllegalStateException("the forked child is gone (its pipe closed)");
                done += r;
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Ends the child: asks it to exit_group(0) (closing the command pipe alone is not enough, since children forked
     * later hold copies of its write end), closes the pipes and reaps it. Idempotent.
     */
    void end() {
        if (ended) return;
        try {
            MemorySegment c = buf.asSlice(0, 64);
            c.fill((byte) 0);
            c.setAtIndex(JAVA_LONG, 1, 231);
            writeFully(cmd, c, 64);
        } catch (IllegalStateException gone) {
            // it exited already
        }
        ended = true;
        close(cmd);
        close(dataIn);
        close(reply);
        close(dataOut);
        try (Arena a = Arena.ofConfined()) {
            int ignored = (int) WAITPID.invokeExact(pid, a.allocate(JAVA_INT), 0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
