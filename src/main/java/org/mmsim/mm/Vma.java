package org.mmsim.mm;

/**
 * A vm_area_struct: [start, end), vm_flags, vm_pgoff and the anon_vma. Mutable, owned by one {@link Mm};
 * only mm code changes it (split, merge, mprotect, mremap).
 */
public final class Vma {
    long start;
    long end;
    long flags;
    long pgoff;
    AnonVma anonVma;
    /** True if this VMA was copied by fork and its anon_vma chain has more than one entry. */
    boolean forkChild;
    /** The shared object of a MAP_SHARED|MAP_ANONYMOUS mapping (its vm_file), or null. */
    Shmem shmem;

    Vma(long start, long end, long flags, long pgoff) {
        this.start = start;
        this.end = end;
        this.flags = flags;
        this.pgoff = pgoff;
    }

    public long start() { return start; }

    public long end() { return end; }

    public long flags() { return flags; }

    public long pgoff() { return pgoff; }

    public AnonVma anonVma() { return anonVma; }

    public boolean forkChild() { return forkChild; }

    /** The shmem object this VMA maps (MAP_SHARED|MAP_ANONYMOUS), or null for private anonymous memory. */
    public Shmem shmem() { return shmem; }

    public long pages() { return (end - start) >>> 12; }

    public boolean contains(long addr) { return addr >= start && addr < end; }

    public boolean has(long flag) { return (flags & flag) != 0; }

    public boolean isShared() { return (flags & VmFlags.VM_SHARED) != 0; }

    /** PROT_* bits of the VMA. */
    public int prot() { return VmFlags.toProt(flags); }

    /** vma_pkey: the protection key its entries carry (0 unless execute-only on x86 with protection keys). */
    public int pkey() { return (int) ((flags & VmFlags.VM_PKEY_MASK) >>> VmFlags.VM_PKEY_SHIFT); }

    /** The pgoff the page at addr has in this VMA (linear_page_index). */
    public long pgoffOf(long addr) { return pgoff + ((addr - start) >>> 12); }

    Vma copy() {
        Vma v = new Vma(start, end, flags, pgoff);
        v.anonVma = anonVma;
        v.forkChild = forkChild;
        v.shmem = shmem;
        return v;
    }

    @Override public String toString() {
        return String.format("%x-%x %s%s%s%s pgoff=%x%s", start, end,
                has(VmFlags.VM_READ) ? "r" : "-", has(VmFlags.VM_WRITE) ? "w" : "-",
                has(VmFlags.VM_EXEC) ? "x" : "-", isShared() ? "s" : "p", pgoff,
                anonVma == null ? "" : " " + anonVma);
    }
}
