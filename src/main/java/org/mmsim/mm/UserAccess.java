package org.mmsim.mm;

import org.mmsim.arch.Arch;
import org.mmsim.pgtable.PageTables;

/**
 * User-space loads and stores as the MMU performs them: a page whose PTE (or PMD) allows the access is used
 * directly, the hardware setting the accessed and dirty bits; otherwise the fault handler runs and the access is
 * retried. A fault the kernel answers with SIGSEGV ends the access at that page.
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
     * {@link Stop} with {@link Fault#SIGSEGV} or {@link Fault#OOM} at the first page that cannot be accessed.
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
            long page = a & ~(Arch.PAGE_SIZE - 1);
            long gib = a >>> Arch.PUD_SHIFT;
            if (gib != pmdsGiB || pmds == null) {
                pmds = mm.pt.pmdTable(a, false);
                pmdsGiB = gib;
            }
            long pfn = pmds != null ? resolvePfn(mm, pmds, a, write) : -1;
            if (pfn < 0) pfn = resolve(mm, a, write);
            int off = (int) (a - page);
            int n = (int) (Math.min(end, page + Arch.PAGE_SIZE) - a);
            v.visit(pfn, off, n, a - addr);
            a += n;
        }
    }

    /** The pfn that addr reaches with this access, faulting as needed; throws {@link Stop}. */
    public static long resolve(Mm mm, long addr, boolean write) {
        for (int tries = 0; tries < 8; tries++) {
            long pfn = resolvePfn(mm, addr, write);
            if (pfn >= 0) return pfn;
            int r = Fault.handle(mm, addr, write);
            if (r != Fault.OK) throw new Stop(addr, r);
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
            if (!arch.pteValid(pte) || !arch.pteUser(pte) || (write && !arch.pteWrite(pte))) return -1;
            m[mi] = arch.pteToHugePmd(hwAccess(arch, pte, write));
            return arch.ptePfn(pte) + ((addr & (Arch.PMD_SIZE - 1)) >>> Arch.PAGE_SHIFT);
        }
        long[] t = mm.env.tables.get(arch.entryTableId(pmd));
        int i = PageTables.pteIndex(addr);
        long pte = t[i];
        if (!arch.pteValid(pte) || !arch.pteUser(pte) || (write && !arch.pteWrite(pte))) return -1;
        t[i] = hwAccess(arch, pte, write);
        return arch.ptePfn(pte);
    }

    /** What the MMU's hardware access/dirty update does to an entry. */
    private static long hwAccess(Arch arch, long pte, boolean write) {
        long e = arch.pteMkyoung(pte);
        return write ? arch.pteHwMkdirty(e) : e;
    }
}
