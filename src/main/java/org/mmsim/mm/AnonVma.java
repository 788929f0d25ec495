package org.mmsim.mm;

/**
 * An anon_vma (mm/rmap.c): the reverse-mapping root shared by the VMAs whose anonymous folios may map the same
 * pages. Identity is what matters for VMA merging; {@code forkChild} marks an anon_vma chain with more than one
 * entry (a VMA of a forked child), which restricts merges (is_mergeable_anon_vma).
 */
public final class AnonVma {
    private static long nextId = 1;
    private final long id;
    private final AnonVma parent;

    public AnonVma(AnonVma parent) {
        synchronized (AnonVma.class) {
            this.id = nextId++;
        }
        this.parent = parent;
    }

    public long id() { return id; }

    /** The anon_vma this one was forked from, or null. */
    public AnonVma parent() { return parent; }

    @Override public String toString() { return "anon_vma#" + id; }
}
