package org.mmsim.mm;

import org.mmsim.arch.Arch;
import org.mmsim.pgtable.PageTables;

/**
 * User-space loads and stores as the MMU performs them: a page whose PTE (or PMD) allows the access is used
 * directly, the hardware setting the accessed and dirty bits; otherwise the fault handler runs and the access is
 * retried. A fault the kernel answers with SIGSEGV or SIGBUS ends the access at that page.
 */
public final class UserAccess {
    private UserAccess() {}

    /** Visits the bytes of one page reached by an access. */
    @FunctionalInterface
    public interface PageVisitor {
        /** {@code pfn} page, bytes [off, off+len) of it, {@code done} bytes of the access before these. */
        void visit(long pfn, int off, int len, long done);
    }

    /** The result of an access that stopped early. */
    public static final class Stop extends RuntimeException {
        public final long addr;
        public final int reason;

        Stop(long addr, int reason) {
            super(null, null, false, false);
            this.addr = addr;
            this.reason = reason;
        }
    }

    /**
     * Accesses [addr, addr+len) page by page, faulting as needed, and gives each page to the visitor. Throws
     * {@link Stop} with {@link Fault#SIGSEGV}, {@link Fault#SIGBUS} or {@link Fault#OOM} at the first page that cannot
     * be accessed.
     */
    public static void access(Mm mm, long addr, long len, boolean write, PageVisitor v) {
        long a = addr;
        long end = addr + len;
        mm.touch(addr, end);
        // The PMD table of the GiB being accessed, looked up once per GiB instead of once per page. Upper tables are
        // freed only by free_pgtables (munmap, mremap, exit), never during an access, so the array stays valid even
        // across the faults the access takes; a missing table is not remembered (a fault may allocate it).
        long[] pmds = null;
        long pmdsGiB = -1;
        while (a < end) {
            long gib = a >>> Arch.PUD_SHIFT;
            if (gib != pmdsGiB || pmds == null) {
                pmds = mm.pt.pmdTable(a, false);
                pmdsGiB = gib;
            }
            if (pmds != null) {
                long next = visitMapped(mm, pmds, addr, a, end, write, v);
                if (next != a) {
                    a = next;
                    continue;
                }
            }
            // no usable entry (a missing PMD table has none either): fault without walking again first
            a = visit(addr, a, end, faultIn(mm, pmds, a, write), v);
        }
    }

    /** Gives the visitor the part of the page at a that the access [start, end) covers; returns the next address. */
    private static long visit(long start, long a, long end, long pfn, PageVisitor v) {
        long page = a & ~(Arch.PAGE_SIZE - 1);
        int n = (int) (Math.min(end, page + Arch.PAGE_SIZE) - a);
        v.visit(pfn, (int) (a - page), n, a - start);
        return a + n;
    }

    /**
     * Accesses the pages from a on that the entries under the PMD table m already allow, as far as the PMD entry of
     * a reaches (one page of a PMD leaf, the rest of a PTE table): the MMU checks and updates each PTE in turn, but
     * the table is looked up once for the run. Returns where the run stopped: a itself if a's entry does not allow
     * the access (the caller faults).
     */
    private static long visitMapped(Mm mm, long[] m, long start, long a, long end, boolean write, PageVisitor v) {
        Arch arch = mm.env.arch;
        int mi = PageTables.pmdIndex(a);
        long pmd = m[mi];
        if (pmd == 0) return a;
        if (arch.entryIsLeaf(pmd)) {
            long pfn = resolvePfn(mm, m, a, write);
            return pfn < 0 ? a : visit(start, a, end, pfn, v);
        }
        long[] t = mm.env.tables.get(arch.entryTableId(pmd));
        for (int i = PageTables.pteIndex(a); i < t.length && a < end; i++) {
            long pte = t[i];
            if (!allows(arch, pte, write)) break;
            t[i] = hwAccess(arch, pte, write);
            a = visit(start, a, end, arch.ptePfn(pte), v);
        }
        return a;
    }

    /** The pfn that addr reaches with this access, faulting as needed; throws {@link Stop}. */
    public static long resolve(Mm mm, long addr, boolean write) {
        long pfn = resolvePfn(mm, addr, write);
        return pfn >= 0 ? pfn : faultIn(mm, null, addr, write);
    }

    /**
     * {@link #resolve} after a walk that found no entry allowing the access: fault, walk again, until it does.
     * {@code pmds} is the PMD table of addr if the caller has it (it stays valid across faults, see {@link #access}),
     * else null.
     */
    private static long faultIn(Mm mm, long[] pmds, long addr, boolean write) {
        long[] m = pmds;
        for (int tries = 0; tries < 8; tries++) {
            int r = Fault.handle(mm, addr, write);
            if (r != Fault.OK) throw new Stop(addr, r);
            if (m == null) m = mm.pt.pmdTable(addr, false);
            long pfn = m == null ? -1 : resolvePfn(mm, m, addr, write);
            if (pfn >= 0) return pfn;
        }
        throw new IllegalStateException("fault at 0x" + Long.toHexString(addr) + " did not converge");
    }

    /**
     * The hardware walk: the pfn if the entry allows the access (setting accessed, and dirty on writes, as the MMU
     * does), else -1.
     */
    static long resolvePfn(Mm mm, long addr, boolean write) {
        long[] m = mm.pt.pmdTable(addr, false);
        return m == null ? -1 : resolvePfn(mm, m, addr, write);
    }

    /** {@link #resolvePfn(Mm, long, boolean)} below a PMD table already looked up. */
    private static long resolvePfn(Mm mm, long[] m, long addr, boolean write) {
        Arch arch = mm.env.arch;
        int mi = PageTables.pmdIndex(addr);
        long pmd = m[mi];
        if (pmd == 0) return -1;
        if (arch.entryIsLeaf(pmd)) {
            long pte = arch.hugePmdToPte(pmd);
            if (!allows(arch, pte, write)) return -1;
            m[mi] = arch.pteToHugePmd(hwAccess(arch, pte, write));
            return arch.ptePfn(pte) + ((addr & (Arch.PMD_SIZE - 1)) >>> Arch.PAGE_SHIFT);
        }
        long[] t = mm.env.tables.get(arch.entryTableId(pmd));
        int i = PageTables.pteIndex(addr);
        long pte = t[i];
        if (!allows(arch, pte, write)) return -1;
        t[i] = hwAccess(arch, pte, write);
        return arch.ptePfn(pte);
    }

    /** True if the entry lets user space make this access without a fault (its key included). */
    private static boolean allows(Arch arch, long pte, boolean write) {
        return arch.pteValid(pte) && arch.pteUser(pte) && (!write || arch.pteWrite(pte)) && arch.pteKeyAllowsData(pte);
    }

    /** What the MMU's hardware access/dirty update does to an entry. */
    private static long hwAccess(Arch arch, long pte, boolean write) {
        long e = arch.pteMkyoung(pte);
        return write ? arch.pteHwMkdirty(e) : e;
    }
}
