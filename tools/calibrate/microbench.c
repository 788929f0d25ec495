/*
 * Microbenchmarks of kernel memory-management primitives on the live kernel, for the x86_64-host cost profile.
 * They are deliberately unlike the seed workloads: 256 MiB regions (not 1 MiB/1 GiB), 4K pages only, one pass each.
 * Build and run:  gcc -O2 -o /tmp/microbench tools/calibrate/microbench.c && /tmp/microbench
 * Each line: name, nanoseconds per unit, unit. Medians of REPS runs.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MB (1UL << 20)
#define REG (256 * MB)
#define PAGE 4096UL
#define REPS 7

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, n, sizeof *v, cmp);
    return v[n / 2];
}

/* A 4K-page anonymous region at a 2 MiB-aligned address (THP off for it), optionally written. */
static char *region(size_t len, int touch) {
    char *raw = mmap(NULL, len + 2 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) { perror("mmap"); exit(1); }
    char *p = (char *)(((unsigned long)raw + 2 * MB - 1) & ~(2 * MB - 1));
    if (madvise(raw, len + 2 * MB, MADV_NOHUGEPAGE)) { perror("madvise"); exit(1); }
    if (touch) for (size_t o = 0; o < len; o += PAGE) p[o] = 1;
    return p;
}

/*
 * The zero check of swap-out (is_folio_zero_filled in mm/page_io.c): every 8-byte word of a page is read until one is
 * non-zero, so an all-zero page is read whole, with scalar loads (the kernel uses no SIMD). Returns 1 if all zero.
 */
__attribute__((noinline, optimize("no-tree-vectorize")))
static int page_is_zero(const unsigned long *w) {
    for (size_t i = 0; i < PAGE / sizeof *w; i++)
        if (w[i]) return 0;
    return 1;
}

static void report(const char *name, double *v, double per, const char *unit) {
    printf("%-22s %10.3f ns per %s\n", name, median(v, REPS) / per, unit);
}

int main(void) {
    double v[REPS];
    size_t pages = REG / PAGE;
    volatile unsigned long sink = 0;

    for (int r = 0; r < REPS; r++) {                       /* system call round trip */
        double t = now();
        for (int i = 0; i < 1000000; i++) syscall(SYS_getppid);
        v[r] = now() - t;
    }
    report("syscall", v, 1e6, "call");

    char *buf = region(REG, 1);
    for (int r = 0; r < REPS; r++) {                       /* user memset bandwidth over mapped memory */
        double t = now();
        memset(buf, r + 1, REG);
        v[r] = now() - t;
    }
    report("memset", v, REG, "byte");

    for (int r = 0; r < REPS; r++) {                       /* one new cache line per 64 bytes, streaming reads */
        double t = now();
        for (size_t o = 0; o < REG; o += 64) sink += (unsigned char)buf[o];
        v[r] = now() - t;
    }
    report("stream-line-read", v, REG / 64, "64B line");

    for (int r = 0; r < REPS; r++) {                       /* swap-out zero check of all-zero 4K pages */
        memset(buf, 0, REG);                               /* 256 MiB: the scan starts from memory, not cache */
        double t = now();
        for (size_t o = 0; o < REG; o += PAGE) sink += page_is_zero((const unsigned long *)(buf + o));
        v[r] = now() - t;
    }
    report("zero-check-4k", v, pages, "page");

    for (int r = 0; r < REPS; r++) {                       /* first-touch fault of order-0 anonymous pages */
        char *p = region(REG, 0);
        double t = now();
        for (size_t o = 0; o < REG; o += PAGE) p[o] = 1;
        v[r] = now() - t;
        munmap(p, REG);
    }
    report("fault-4k", v, pages, "page");

    for (int r = 0; r < REPS; r++) {                       /* zap and free of written 4K pages */
        char *p = region(REG, 1);
        double t = now();
        munmap(p, REG);
        v[r] = now() - t;
    }
    report("munmap-4k", v, pages, "page");

    char *p = region(REG, 1);
    for (int r = 0; r < REPS; r++) {                       /* change_protection over present 4K PTEs */
        double t = now();
        mprotect(p, REG, PROT_READ);
        mprotect(p, REG, PROT_READ | PROT_WRITE);
        v[r] = now() - t;
    }
    report("mprotect-4k", v, 2.0 * pages, "pte");

    char *dst = region(REG + 4 * MB, 0);                   /* a reserved destination */
    for (int r = 0; r < REPS; r++) {                       /* move_ptes: destination 4K off PMD alignment */
        char *to = (r % 2 == 0) ? dst + PAGE : p;
        char *from = (r % 2 == 0) ? p : dst + PAGE;
        double t = now();
        if (mremap(from, REG, REG, MREMAP_MAYMOVE | MREMAP_FIXED, to) != to) { perror("mremap"); exit(1); }
        v[r] = now() - t;
    }
    report("mremap-pte", v, pages, "pte");
    /* after an odd number of moves the data sits at dst + 4K; move it back to p */
    if (mremap(dst + PAGE, REG, REG, MREMAP_MAYMOVE | MREMAP_FIXED, p) != p) { perror("mremap back"); exit(1); }

    for (int r = 0; r < REPS; r++) {                       /* move_normal_pmd: both ends PMD-aligned */
        char *to = (r % 2 == 0) ? dst : p;
        char *from = (r % 2 == 0) ? p : dst;
        double t = now();
        if (mremap(from, REG, REG, MREMAP_MAYMOVE | MREMAP_FIXED, to) != to) { perror("mremap pmd"); exit(1); }
        v[r] = now() - t;
    }
    report("mremap-pmd", v, REG / (2 * MB), "pmd");
    printf("# sink %lu\n", (unsigned long)sink);
    return 0;
}
