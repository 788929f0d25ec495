package org.mmsim.mm;

/**
 * The free gap above each VMA of an address space, in a search tree keyed by the VMA's start whose nodes also keep
 * the largest gap of their subtree: what the maple tree's gap tracking gives the kernel's vm_unmapped_area, so that a
 * top-down search finds the highest gap that is large enough without visiting the VMAs whose gaps are too small.
 * A VMA's gap is the distance from its end to the next VMA's start ({@link Long#MAX_VALUE} for the highest VMA).
 *
 * <p>A treap: each node's priority is a fixed mix of its key, so the same VMAs give the same tree whatever the order
 * of the changes was, and the expected depth is logarithmic.
 */
final class GapIndex {
    private static final class Node {
        final long key;
        final long priority;
        long gap;
        long maxGap;
        Node left;
        Node right;

        Node(long key, long gap) {
            this.key = key;
            this.priority = mix(key);
            this.gap = gap;
            this.maxGap = gap;
        }
    }

    private Node root;
    private int size;

    /** VMAs held. */
    int size() { return size; }

    /** Sets the gap above the VMA starting at {@code key}, adding the VMA if it is not there. */
    void put(long key, long gap) { root = put(root, key, gap); }

    /** Forgets the VMA starting at {@code key} (nothing if it is not there). */
    void remove(long key) { root = remove(root, key); }

    /** The gap above the VMA starting at {@code key}, or -1 if there is none. */
    long gap(long key) {
        Node n = root;
        while (n != null) {
            if (key == n.key) return n.gap;
            n = key < n.key ? n.left : n.right;
        }
        return -1;
    }

    /** The start of the highest VMA starting below {@code bound} whose gap is at least {@code minGap}, or -1. */
    long highestBelow(long bound, long minGap) { return highestBelow(root, bound, minGap); }

    void clear() {
        root = null;
        size = 0;
    }

    private static long highestBelow(Node n, long bound, long minGap) {
        while (n != null && n.maxGap >= minGap) {
            if (n.key >= bound) {
                n = n.left;
                continue;
            }
            // n is below the bound: the right subtree holds the higher candidates, then n, then the left subtree
            long r = highestBelow(n.right, bound, minGap);
            if (r >= 0) return r;
            if (n.gap >= minGap) return n.key;
            n = n.left;
        }
        return -1;
    }

    private Node put(Node n, long key, long gap) {
        if (n == null) {
            size++;
            return new Node(key, gap);
        }
        if (key == n.key) {
            n.gap = gap;
        } else if (key < n.key) {
            n.left = put(n.left, key, gap);
            if (n.left.priority > n.priority) n = rotateRight(n);
        } else {
            n.right = put(n.right, key, gap);
            if (n.right.priority > n.priority) n = rotateLeft(n);
        }
        update(n);
        return n;
    }

    private Node remove(Node n, long key) {
        if (n == null) return null;
        if (key < n.key) {
            n.left = remove(n.left, key);
        } else if (key > n.key) {
            n.right = remove(n.right, key);
        } else {
            size--;
            return merge(n.left, n.right);
        }
        update(n);
        return n;
    }

    /** Joins two treaps whose keys are all lower in {@code a} than in {@code b}. */
    private static Node merge(Node a, Node b) {
        if (a == null) return b;
        if (b == null) return a;
        if (a.priority > b.priority) {
            a.right = merge(a.right, b);
            update(a);
            return a;
        }
        b.left = merge(a, b.left);
        update(b);
        return b;
    }

    private static Node rotateRight(Node n) {
        Node l = n.left;
        n.left = l.right;
        l.right = n;
        update(n);
        return l;
    }

    private static Node rotateLeft(Node n) {
        Node r = n.right;
        n.right = r.left;
        r.left = n;
        update(n);
        return r;
    }

    private static void update(Node n) {
        long m = n.gap;
        if (n.left != null && n.left.maxGap > m) m = n.left.maxGap;
        if (n.right != null && n.right.maxGap > m) m = n.right.maxGap;
        n.maxGap = m;
    }

    /** splitmix64's finaliser: a fixed pseudo-random priority for a key. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
