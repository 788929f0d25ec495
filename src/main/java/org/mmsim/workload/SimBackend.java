package org.mmsim.workload;

import java.util.HashMap;
import java.util.Map;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.check.Checker;
import org.mmsim.check.InvariantViolation;
import org.mmsim.kernel.Kernel;
import org.mmsim.mm.Errno;
import org.mmsim.mm.Fault;
import org.mmsim.mm.FeatureSet;
import org.mmsim.mm.Madvise;
import org.mmsim.mm.Mm;
import org.mmsim.mm.Mmap;
import org.mmsim.mm.Mprotect;
import org.mmsim.mm.Mremap;
import org.mmsim.mm.NumaHint;
import org.mmsim.mm.UserAccess;
import org.mmsim.mm.Vma;
import org.mmsim.pgtable.PageTables;
import org.mmsim.phys.PhysMem;

/**
 * {@link MemoryApi} on the simulated kernel: one {@link Kernel}, its processes (handle 0 is the original one,
 * children get handles 1, 2, ... from {@link #fork}) and the process the calls act on. With checking on, the
 * invariant checker runs after every call.
 */
public final class SimBackend implements MemoryApi {
    private final Kernel kernel;
    private final Map<Long, Mm> processes = new HashMap<>();
    private long nextHandle = 1;
    private long current;
    private Mm mm;
    private Checker.Mode checking = Checker.Mode.OFF;
    /** The incremental checker (modes CHANGES and CROSS), else null. */
    private Checker checker;
    /** CROSS: calls until the next full check, drawn from a fixed seed so that a failing run repeats. */
    private int untilFull;
    private final java.util.Random crossGaps = new java.util.Random(0x5eedL);
    private int errno;

    /** A machine checked incrementally after every call when {@code check} is true ({@link Checker.Mode#CHANGES}). */
    public SimBackend(Arch arch, FeatureSet features, boolean check) {
        this(arch, features, check ? Checker.Mode.CHANGES : Checker.Mode.OFF);
    }

    public SimBackend(Arch arch, FeatureSet features, Checker.Mode checking) {
        this.kernel = new Kernel(arch, features);
        this.mm = kernel.newMm();
        processes.put(0L, mm);
        setChecking(checking);
    }

    /** Switches the invariant checking (also {@code set check = MODE} in a script). */
    public void setChecking(Checker.Mode mode) {
        if (checker != null) checker.detach();
        checker = mode == Checker.Mode.CHANGES || mode == Checker.Mode.CROSS ? Checker.attach(kernel) : null;
        kernel.env().tables.verifyReuse(mode != Checker.Mode.OFF);
        checking = mode;
    }

    /** The simulated machine (tests look inside). */
    public Kernel kernel() { return kernel; }

    /** The address space the calls act on. */
    public Mm mm() { return mm; }

    /** The address space of a live process handle, or null. */
    public Mm mm(long handle) { return processes.get(handle); }

    @Override public long fork() {
        Mm child = kernel.fork(mm);
        long h = nextHandle++;
        processes.put(h, child);
        checkNow();
        return h;
    }

    @Override public long switchTo(long handle) {
        Mm target = processes.get(handle);
        if (target == null) {
            throw new IllegalArgumentException(handle > 0 && handle < nextHandle
                    ? "process " + handle + " has exited" : "no process " + handle);
        }
        long before = current;
        current = handle;
        mm = target;
        return before;
    }

    @Override public int exit(long handle) {
        if (handle == 0) {
            errno = Errno.EINVAL;
            return -1;
        }
        Mm target = processes.remove(handle);
        if (target == null) {
            errno = Errno.ESRCH;
            return -1;
        }
        kernel.exit(target);
        if (current == handle) {
            current = 0;
            mm = processes.get(0L);
        }
        checkNow();
        return 0;
    }

    private long ret(long r) {
        if (Errno.isError(r)) {
            errno = (int) -r;
            r = -1;
        }
        checkNow();
        return r;
    }

    /** Runs the invariant checker as the checking mode says (after every call). */
    public void checkNow() {
        switch (checking) {
            case OFF -> { }
            case FULL -> Checker.check(kernel);
            case CHANGES -> checker.checkChanges();
            case CROSS -> {
                checker.checkChanges();
                if (--untilFull <= 0) {
                    untilFull = 1 + crossGaps.nextInt(16);
                    try {
                        checker.checkAll();
                    } catch (InvariantViolation v) {
                        throw new InvariantViolation("full check after the incremental one passed: " + v.getMessage());
                    }
                }
            }
        }
    }

    /** The full check, when checking is on (the end of a script run). */
    @Override public void checkAll() {
        if (checker != null) checker.checkAll();
        else if (checking == Checker.Mode.FULL) Checker.check(kernel);
    }

    @Override public long mmap(long addr, long len, int prot, int flags, int fd, long offset) {
        return ret(Mmap.mmap(mm, addr, len, prot, flags, fd, offset));
    }

    @Override public int munmap(long addr, long len) { return (int) ret(Mmap.munmap(mm, addr, len)); }

    @Override public long mremap(long oldAddr, long oldLen, long newLen, int flags, long newAddr) {
        return ret(Mremap.mremap(mm, oldAddr, oldLen, newLen, flags, newAddr));
    }

    @Override public int mprotect(long addr, long len, int prot) { return (int) ret(Mprotect.mprotect(mm, addr, len, prot)); }

    @Override public int madvise(long addr, long len, int advice) { return (int) ret(Madvise.madvise(mm, addr, len, advice)); }

    @Override public long numaHint(long addr, long len) { return ret(NumaHint.numaHint(mm, addr, len)); }

    @Override public int errno() { return errno; }

    private PhysMem phys() { return kernel.env().phys; }

    /** Runs a user access, turning a SIGSEGV or SIGBUS stop into {@link Segfault}; checks invariants afterwards either way. */
    private void access(long addr, long len, boolean write, UserAccess.PageVisitor v) {
        if (len <= 0) return;
        try {
            UserAccess.access(mm, addr, len, write, v);
        } catch (UserAccess.Stop s) {
            kernel.env().counters.inc(Event.FAULT_SIGSEGV);
            checkNow();
            if (s.reason == Fault.OOM) throw new OutOfMemory(s.addr);
            throw new Segfault(s.addr, write, s.reason == Fault.SIGBUS);
        }
        checkNow();
    }

    @Override public void memset(long addr, int c, long len) {
        kernel.env().counters.add(Event.USER_BYTES_WRITTEN, Math.max(len, 0));
        access(addr, len, true, (pfn, off, n, done) -> phys().fillRange(pfn, off, n, c));
    }

    @Override public void poke(long addr, int value) {
        kernel.env().counters.inc(Event.USER_BYTES_WRITTEN);
        access(addr, 1, true, (pfn, off, n, done) -> phys().writeByte(pfn, off, value));
    }

    @Override public int peek(long addr) {
        kernel.env().counters.inc(Event.USER_BYTES_READ);
        int[] out = new int[1];
        access(addr, 1, false, (pfn, off, n, done) -> out[0] = phys().readByte(pfn, off));
        return out[0];
    }

    @Override public void pattern(long addr, long len, long seed) {
        kernel.env().counters.add(Event.USER_BYTES_WRITTEN, Math.max(len, 0));
        access(addr, len, true, (pfn, off, n, done) -> {
            byte[] a = phys().materialize(pfn);
            for (int k = 0; k < n; k++) a[off + k] = (byte) Patterns.byteAt(seed, done + k);
        });
    }

    @Override public long checksum(long addr, long len) {
        kernel.env().counters.add(Event.USER_BYTES_READ, Math.max(len, 0));
        long[] sum = {0};
        access(addr, len, false, (pfn, off, n, done) -> {
            byte[] a = phys().arrayOrNull(pfn);
            if (a == null) {
                sum[0] += Patterns.fillTerms(phys().fillByte(pfn), done, n);
            } else {
                for (int k = 0; k < n; k++) sum[0] += Patterns.term(a[off + k] & 0xff, done + k);
            }
        });
        return sum[0];
    }

    @Override public boolean mapped(long addr) { return mm.vmaLookup(addr) != null; }

    @Override public int prot(long addr) {
        Vma v = mm.vmaLookup(addr);
        return v == null ? -1 : v.prot();
    }

    @Override public long[] layout(long addr, long len) {
        var list = mm.intersecting(addr, addr + len);
        long[] out = new long[list.size() * 3];
        int i = 0;
        for (Vma v : list) {
            out[i++] = v.start();
            out[i++] = v.end();
            out[i++] = v.prot();
        }
        return out;
    }

    @Override public int vmas(long addr, long len) { return mm.intersecting(addr, addr + len).size(); }

    @Override public boolean present(long addr) {
        Arch arch = kernel.arch();
        long pmd = mm.pageTables().pmdEntry(addr);
        if (arch.entryIsLeaf(pmd)) return arch.ptePresent(arch.hugePmdToPte(pmd));
        long[] t = mm.pageTables().pteTable(addr, false);
        return t != null && arch.ptePresent(t[PageTables.pteIndex(addr)]);
    }

    @Override public boolean swapped(long addr) {
        Arch arch = kernel.arch();
        long[] t = mm.pageTables().pteTable(addr, false);
        return t != null && arch.pteIsSwap(t[PageTables.pteIndex(addr)]);
    }

    @Override public void set(String key, String value) {
        if (key.trim().equals("check")) setChecking(Checker.Mode.byName(value));
        else kernel.set(key, value);
    }

    @Override public void inject(String kind, long n) {
        kernel.env().inject.arm(org.mmsim.mm.FaultInjection.Kind.byName(kind), n);
    }

    @Override public long[] counters() { return kernel.env().counters.snapshot(); }

    @Override public String backend() { return "sim"; }

    @Override public void close() {}

}
