package org.mmsim.swap;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.mmsim.phys.PhysMem;

/**
 * One swap device (mm/swapfile.c): its slots, the per-slot swap count (how many swap PTEs name the slot), the
 * SWAP_HAS_CACHE mark (a folio in the swap cache owns the slot) and the contents written to each slot.
 *
 * <p>Slot 0 holds the swap header and is never allocated, as in Linux. Slots come in clusters of 512
 * (SWAPFILE_CLUSTER); on a block device (a partition, or a loop device over a file) a folio of 2^order pages gets a
 * naturally aligned run of 2^order free slots, so a run never crosses a cluster (folio_alloc_swap). A swap
 * <em>file</em> gives out single slots only (cluster_alloc_swap_entry: "Swapfile is not block device so unable to
 * allocate large entries"), so reclaim splits large folios before swapping them (checked on the live 6.18 kernel,
 * docs/kernel-oracle.md). A slot is free when its count is zero and no folio caches it.
 *
 * <p>Contents are kept like {@link PhysMem}'s: one fill byte per slot and a real 4 KiB array only for slots whose
 * bytes differ. A slot written from a zero-filled page carries the zero mark instead of data (the 6.12+ zeromap):
 * no I/O is done for it, and it reads back as zeros.
 */
public final class SwapDevice {
    /** Slots per cluster (SWAPFILE_CLUSTER = HPAGE_PMD_NR). */
    public static final int CLUSTER = 512;
    /** The swap type of the device in swap entries (one device: type 0). */
    public static final int TYPE = 0;

    /** What the swap space is: a swap file, a block device, or zram (a synchronous block device in RAM). */
    public enum Kind {
        /** A regular file on a file system: single slots only (no SWP_BLKDEV). */
        FILE,
        /** A partition or a loop device: SWP_BLKDEV; asynchronous I/O. */
        PARTITION,
        /** zram: SWP_BLKDEV and SWP_SYNCHRONOUS_IO (writes complete at once; swap-in may skip the swap cache). */
        ZRAM
    }

    /** The swap count's bits in a slot's state; a count that would overflow them is refused. */
    private static final int COUNT_MASK = (1 << 29) - 1;
    /** SWAP_HAS_CACHE: a folio in the swap cache owns the slot. */
    private static final int HAS_CACHE = 1 << 29;
    /** The slot holds a zero-filled page (no data written). */
    private static final int ZERO = 1 << 30;
    /** A slot with a count or the cache mark is in use. */
    private static final int IN_USE = COUNT_MASK | HAS_CACHE;

    private final int slots;
    private final Kind kind;
    private final boolean blockDevice;
    /**
     * Per slot: the swap count in the low bits, SWAP_HAS_CACHE and the zero mark above it, in one int, so that the
     * per-slot steps of swap-out (allocate, raise the count, mark zero, uncache) touch one array.
     */
    private final int[] state;
    private final byte[] fill;
    private final Map<Integer, byte[]> data = new HashMap<>();
    /** Next offset to try, per order: allocation goes round the device like the per-order cluster lists. */
    private final int[] cursor = new int[PhysMem.MAX_ORDER + 1];
    private long used;

    /** A device of {@code bytes} (whole pages, the header page included) of a kind. */
    public SwapDevice(long bytes, Kind kind) {
        this.kind = kind;
        this.blockDevice = kind != Kind.FILE;
        long n = bytes / PhysMem.PAGE_SIZE;
        if (n < 2) throw new IllegalArgumentException("swap must be at least 8K (one header page and one slot)");
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("swap larger than 8 TiB is not modelled");
        this.slots = (int) n;
        this.state = new int[slots];
        this.fill = new byte[slots];
        Arrays.fill(cursor, 1);
    }

    /** True for a block device (large folios get runs of slots), false for a swap file (single slots only). */
    public boolean blockDevice() { return blockDevice; }

    /** SWP_SYNCHRONOUS_IO: writes complete before reclaim goes on and swap-in may bypass the swap cache (zram). */
    public boolean synchronous() { return kind == Kind.ZRAM; }

    /** The kind of the device. */
    public Kind kind() { return kind; }

    /** Slots of the device, the header slot included (the swap file's pages). */
    public long slots() { return slots; }

    /** Bytes of the device. */
    public long bytes() { return (long) slots * PhysMem.PAGE_SIZE; }

    /** Slots in use (a swap PTE or a cached folio names them). */
    public long used() { return used; }

    /** Slots free (the header excluded). */
    public long free() { return slots - 1 - used; }

    /** vm_swap_full: more than half of the swap space is in use. */
    public boolean full() { return free() * 2 < slots - 1; }

    /** The swap count of a slot: swap PTEs naming it. */
    public int count(long off) { return state[(int) off] & COUNT_MASK; }

    /** True if a folio in the swap cache owns the slot (SWAP_HAS_CACHE). */
    public boolean hasCache(long off) { return (state[(int) off] & HAS_CACHE) != 0; }

    /** True if the slot is in use. */
    public boolean inUse(long off) { return off > 0 && off < slots && (state[(int) off] & IN_USE) != 0; }

    /**
     * Allocates a naturally aligned run of 2^order free slots for a folio entering the swap cache: each slot gets
     * SWAP_HAS_CACHE and count 0. Returns the first offset, or -1 when no such run is free.
     */
    long allocRun(int order) {
        int nr = 1 << order;
        if (order > 0 && !blockDevice) return -1;
        if (nr > CLUSTER || nr >= slots) return -1;
        int from = cursor[order];
        int off = scan(from, slots - nr + 1, nr);
        if (off < 0) off = scan(1, Math.min(from, slots - nr + 1), nr);
        if (off < 0) return -1;
        for (int j = off; j < off + nr; j++) state[j] = HAS_CACHE;
        used += nr;
        cursor[order] = off + nr < slots ? off + nr : 1;
        return off;
    }

    /** The first aligned run start in [lo, hi) whose nr slots are all free, or -1. */
    private int scan(int lo, int hi, int nr) {
        int off = (Math.max(lo, 1) + nr - 1) & ~(nr - 1);
        while (off < hi) {
            int busy = firstBusy(off, nr);
            if (busy < 0) return off;
            off = (busy + nr) & ~(nr - 1);
        }
        return -1;
    }

    private int firstBusy(int off, int nr) {
        for (int j = off + nr - 1; j >= off; j--) if ((state[j] & IN_USE) != 0) return j;
        return -1;
    }

    /** Raises the swap count of nr slots (one per new swap PTE). */
    void dup(long off, int nr) {
        if (off <= 0 || off + nr > slots) throw new IllegalStateException("swap count raised on free slot " + (off <= 0 ? off : slots));
        int[] s = state;
        int from = (int) off;
        int to = from + nr;
        // Raised and checked in one loop without an exit; a bad slot (a model bug) undoes the raise and is reported.
        int bad = 0;
        for (int j = from; j < to; j++) {
            int st = s[j];
            // negative if the slot is free, or if its count is at its maximum
            bad |= (st & IN_USE) - 1 | COUNT_MASK - 1 - (st & COUNT_MASK);
            s[j] = st + 1;
        }
        if (bad < 0) {
            for (int j = from; j < to; j++) s[j]--;
            for (int j = from; j < to; j++) {
                int st = s[j];
                if ((st & IN_USE) == 0) throw new IllegalStateException("swap count raised on free slot " + j);
                if ((st & COUNT_MASK) == COUNT_MASK) throw new IllegalStateException("swap count overflow on slot " + j);
            }
        }
    }

    /** Drops the swap count of nr slots; a slot with no count and no cache becomes free. */
    void put(long off, int nr) {
        for (int j = (int) off; j < off + nr; j++) {
            int st = state[j];
            if ((st & COUNT_MASK) == 0) throw new IllegalStateException("swap count underflow on slot " + j);
            state[j] = --st;
            if ((st & IN_USE) == 0) release(j);
        }
    }

    /** Clears SWAP_HAS_CACHE of nr slots (the folio left the swap cache); unreferenced slots become free. */
    void uncache(long off, int nr) {
        for (int j = (int) off; j < off + nr; j++) {
            int st = state[j] & ~HAS_CACHE;
            state[j] = st;
            if ((st & IN_USE) == 0) release(j);
        }
    }

    /** Sets SWAP_HAS_CACHE on a slot in use (a folio read from it enters the swap cache). */
    void cache(long off) {
        int st = state[(int) off];
        if ((st & COUNT_MASK) == 0 || (st & HAS_CACHE) != 0) throw new IllegalStateException("slot " + off + " cannot be cached");
        state[(int) off] = st | HAS_CACHE;
    }

    private void release(int j) {
        used--;
        fill[j] = 0;
        state[j] = 0;
        if (!data.isEmpty()) data.remove(j);
    }

    // ---- contents ----------------------------------------------------------------------------------

    /** Marks a slot as holding a zero-filled page (no I/O). */
    void markZero(long off) {
        int j = (int) off;
        if (!data.isEmpty()) data.remove(j);
        fill[j] = 0;
        state[j] |= ZERO;
    }

    /** True if the slot carries the zero mark. */
    public boolean zeroMarked(long off) { return (state[(int) off] & ZERO) != 0; }

    /** Writes one page to a slot (the I/O of swap_writepage) and clears its zero mark. */
    void write(long off, PhysMem phys, long pfn) {
        int j = (int) off;
        state[j] &= ~ZERO;
        byte[] a = phys.arrayOrNull(pfn);
        if (a == null) {
            data.remove(j);
            fill[j] = (byte) phys.fillByte(pfn);
        } else {
            data.put(j, a.clone());
        }
    }

    /** Reads a slot into a page (swap_read_folio); a zero-marked slot gives zeros. */
    void read(long off, PhysMem phys, long pfn) {
        int j = (int) off;
        byte[] a = data.get(j);
        if (a == null) phys.fillPage(pfn, (state[j] & ZERO) != 0 ? 0 : fill[j]);
        else System.arraycopy(a, 0, phys.materialize(pfn), 0, PhysMem.PAGE_SIZE);
    }
}
