package org.mmsim.swap;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import org.mmsim.arch.Counters;
import org.mmsim.arch.Event;
import org.mmsim.phys.PhysMem;

/**
 * The swap cache (mm/swap_state.c) and the machine's swap device: which folio caches which slots, each swap-cache
 * folio's first slot (folio-&gt;swap), and the folio-level operations reclaim and swap-in use on top of
 * {@link SwapDevice}: allocate slots and enter the cache (folio_alloc_swap), leave it, raise and drop swap counts
 * (folio_dup_swap / folio_put_swap), write a folio out and read a page in.
 *
 * <p>Reference rule, as in Linux: a folio in the swap cache holds one reference per page for the cache. A folio whose
 * data was written stays in the swap cache, unmapped and clean, as after the kernel's asynchronous writeback (only a
 * later reclaim pass under memory pressure, which the model does not have, would free it; a fault maps it back
 * without I/O); a zero-filled folio, which needs no I/O, is freed at once.
 */
public final class SwapCache {
    private final Counters counters;
    private final PhysMem phys;
    private SwapDevice device;
    private long[] slotPfn = new long[0];
    /** folio-&gt;swap of every swap-cache folio, by head pfn. */
    private final FolioSlots folioSwap = new FolioSlots();
    /**
     * The folio that last entered the swap cache and its first slot: reclaim looks that folio's slot up twice right
     * after (try_to_unmap, writeout). Forgotten whenever a folio leaves the cache or is split.
     */
    private long lastHead = -1;
    private long lastOff = -1;
    /** The invariant checker's record of changed slots, or null. */
    private org.mmsim.phys.IndexWatch watch;

    public SwapCache(Counters counters, PhysMem phys) {
        this.counters = counters;
        this.phys = phys;
    }

    /** Has {@code w} told of every slot whose swap count, cache mark or swap-cache folio changes; null for none. */
    public void setWatch(org.mmsim.phys.IndexWatch w) { this.watch = w; }

    private void touched(long off, int nr) {
        org.mmsim.phys.IndexWatch w = watch;
        if (w != null) for (int j = 0; j < nr; j++) w.touched(off + j);
    }

    /** The swap device, or null when the machine has none (the default, as on a machine without swap). */
    public SwapDevice device() { return device; }

    /**
     * swapon/swapoff: a device of {@code bytes} (a block device or a swap file), or none for 0. Replacing or
     * removing a device is refused while any of its slots is in use (IllegalArgumentException naming the number).
     */
    public void setDevice(long bytes, SwapDevice.Kind kind) {
        if (device != null && device.used() > 0) {
            throw new IllegalArgumentException("swap is in use (" + device.used() + " slots): swapoff would have to swap "
                    + "everything back in first, which the model does not do");
        }
        if (bytes == 0) {
            device = null;
            slotPfn = new long[0];
            return;
        }
        SwapDevice d = new SwapDevice(bytes, kind);
        device = d;
        slotPfn = new long[(int) d.slots()];
        Arrays.fill(slotPfn, -1);
    }

    /** folio-&gt;swap: the first slot of a swap-cache folio, or -1. */
    public long folioSwap(long head) { return head == lastHead ? lastOff : folioSwap.get(head); }

    /** The slot of one page of a swap-cache folio (folio_page_swap_entry), or -1. */
    public long pageSwap(long pfn) {
        long head = phys.folioHead(pfn);
        long off = folioSwap(head);
        return off < 0 ? -1 : off + (pfn - head);
    }

    /** swap_cache_get_folio for one slot: the pfn of the cached page, or -1. */
    public long lookup(long off) {
        return off >= 0 && off < slotPfn.length ? slotPfn[(int) off] : -1;
    }

    /**
     * Every swap-cache folio head with its first slot (the checker and direct reclaim read it): a read-only live view,
     * size and look-ups in constant time; not to be iterated while the swap cache changes.
     */
    public Map<Long, Long> folios() { return folioView; }

    private final Map<Long, Long> folioView = new AbstractMap<>() {
        @Override public int size() { return folioSwap.size(); }

        @Override public boolean containsKey(Object k) { return get(k) != null; }

        @Override public Long get(Object k) {
            if (!(k instanceof Long head)) return null;
            long off = folioSwap.get(head);
            return off < 0 ? null : off;
        }

        @Override public Set<Map.Entry<Long, Long>> entrySet() {
            return new AbstractSet<>() {
                @Override public int size() { return folioSwap.size(); }

                @Override public Iterator<Map.Entry<Long, Long>> iterator() { return folioSwap.entries(); }
            };
        }
    };

    /**
     * folio_alloc_swap: a naturally aligned run of slots for the whole folio, and the folio enters the swap cache
     * (PG_swapcache, one reference per page). False when there is no device or no free run of that size.
     */
    public boolean allocSwap(long head) {
        if (device == null) return false;
        int order = phys.folioOrder(head);
        long off = device.allocRun(order);
        if (off < 0) return false;
        counters.inc(Event.SWAP_ALLOC);
        enter(head, off, 1 << order);
        return true;
    }

    private void enter(long head, long off, int nr) {
        touched(off, nr);
        for (int j = 0; j < nr; j++) slotPfn[(int) off + j] = head + j;
        folioSwap.put(head, off);
        lastHead = head;
        lastOff = off;
        phys.folioSet(head, PhysMem.PG_SWAPCACHE);
        phys.refAdd(head, nr);
        counters.inc(Event.SWAPCACHE_ADD);
    }

    /** A swap-cache folio of nr pages was split to order 0: each page is now a folio caching its own slot. */
    public void splitCached(long head, int nr) {
        long off = folioSwap.remove(head);
        lastHead = -1;
        if (off < 0) return;
        touched(off, nr);
        for (int j = 0; j < nr; j++) folioSwap.put(head + j, off + j);
    }

    /**
     * Removes a folio from the swap cache (__swap_cache_del_folio): its slots lose the cache mark (and become free
     * if no swap PTE names them) and the cache's references are dropped. Returns the folio's remaining refcount:
     * the caller frees the folio at zero.
     */
    public int delete(long head) {
        long off = folioSwap.remove(head);
        lastHead = -1;
        if (off < 0) throw new IllegalStateException("folio " + head + " is not in the swap cache");
        int nr = phys.folioNrPages(head);
        touched(off, nr);
        for (int j = 0; j < nr; j++) slotPfn[(int) (off + j)] = -1;
        device.uncache(off, nr);
        phys.folioClear(head, PhysMem.PG_SWAPCACHE);
        counters.inc(Event.SWAPCACHE_DEL);
        return phys.refAdd(head, -nr);
    }

    /**
     * folio_free_swap: a swap-cache folio whose slots no swap PTE names any more leaves the cache. Returns true if
     * it did (the caller frees the folio when its refcount then reaches zero).
     */
    public boolean freeSwapIfUnused(long head) {
        long off = folioSwap(head);
        if (off < 0) return false;
        int nr = phys.folioNrPages(head);
        for (int j = 0; j < nr; j++) if (device.count(off + j) > 0) return false;
        delete(head);
        return true;
    }

    /** folio_dup_swap for nr slots: one call, one cluster lock. */
    public void dup(long off, int nr) {
        counters.inc(Event.SWAP_DUP);
        touched(off, nr);
        device.dup(off, nr);
    }

    /** folio_put_swap / swap_free_nr for nr slots: one call. */
    public void put(long off, int nr) {
        counters.inc(Event.SWAP_PUT);
        touched(off, nr);
        device.put(off, nr);
    }

    /**
     * swap_writeout of a swap-cache folio: a zero-filled folio only marks its slots zero (SWPOUT_ZERO, no I/O) and
     * true is returned; otherwise every page is written (PSWPOUT), and the result says whether the write is done:
     * true on a synchronous device (zram), false elsewhere (asynchronous writeback: the folio stays in the swap cache).
     */
    public boolean writeOut(long head) {
        long off = folioSwap(head);
        int nr = phys.folioNrPages(head);
        boolean zero = true;
        for (int j = 0; j < nr && zero; j++) zero = phys.pageZeroFilled(head + j);
        if (zero) {
            for (int j = 0; j < nr; j++) device.markZero(off + j);
            counters.add(Event.SWPOUT_ZERO, nr);
            return true;
        }
        for (int j = 0; j < nr; j++) device.write(off + j, phys, head + j);
        counters.add(Event.PSWPOUT, nr);
        return device.synchronous();
    }

    /**
     * Reads nr slots from {@code off} straight into the new folio {@code head} without the swap cache (the
     * SWP_SYNCHRONOUS_IO path of do_swap_page); zero-marked slots give zeros (SWPIN_ZERO), others are read (PSWPIN).
     */
    public void readDirect(long off, long head, int nr) {
        for (int j = 0; j < nr; j++) {
            counters.inc(device.zeroMarked(off + j) ? Event.SWPIN_ZERO : Event.PSWPIN);
            device.read(off + j, phys, head + j);
        }
    }

    /**
     * Reads slot {@code off} into the new order-0 folio {@code pfn} and adds it to the swap cache
     * (swapin_readahead without read-ahead: __read_swap_cache_async + swap_read_folio).
     */
    public void readIn(long off, long pfn) {
        counters.inc(device.zeroMarked(off) ? Event.SWPIN_ZERO : Event.PSWPIN);
        device.read(off, phys, pfn);
        device.cache(off);
        enter(pfn, off, 1);
    }
}
