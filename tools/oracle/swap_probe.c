/*
 * Swap-out of 64K anonymous folios by MADV_PAGEOUT, for the swap model: run by tools/oracle/swap_run.sh with no swap,
 * a swap file and a swap block device (a loop device), hugepages-64kB/enabled = madvise. Prints the residency of
 * each page (pagemap: P present, Z the shared zero page, S swap entry, . none) and the 64K mTHP split counter.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define K64 (64 * 1024)
#define PFN(e) ((e) & ((1ULL << 55) - 1))

static uint64_t pm(void *a)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (pread(fd, &e, 8, (uintptr_t)a / 4096 * 8) != 8)
		e = 0;
	close(fd);
	return e;
}

static long split64k(void)
{
	long v = -1;
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/hugepages-64kB/stats/split", "r");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* A 64K-aligned private anonymous region with MADV_HUGEPAGE. */
static char *region(size_t len)
{
	char *r = mmap(NULL, len + K64, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p = (char *)(((uintptr_t)r + K64 - 1) & ~(uintptr_t)(K64 - 1));
	madvise(p, len, MADV_HUGEPAGE);
	return p;
}

static void residency(const char *what, char *p, int pages, uint64_t zpfn)
{
	char out[1024];
	for (int i = 0; i < pages; i++) {
		uint64_t e = pm(p + i * 4096);
		out[i] = (e >> 63) & 1 ? (PFN(e) == zpfn ? 'Z' : 'P') : (e >> 62) & 1 ? 'S' : '.';
	}
	out[pages] = 0;
	printf("| %s | %s |\n", what, out);
}

int main(int argc, char **argv)
{
	const char *label = argc > 1 ? argv[1] : "?";
	char *z = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile char c = z[0];
	uint64_t zpfn = PFN(pm(z));
	(void)c;

	/* 1 MiB (16 folios) of written data */
	char *p = region(16 * K64);
	for (int i = 0; i < 16 * K64; i++)
		p[i] = 'a' + (i / 4096) % 26;
	long s0 = split64k();
	madvise(p, 16 * K64, MADV_PAGEOUT);
	char what[200];
	snprintf(what, sizeof what, "%s: 1M of 64K folios written, PAGEOUT (64K splits +%ld)", label, split64k() - s0);
	residency(what, p, 64, zpfn);
	c = p[5 * 4096 + 7];
	snprintf(what, sizeof what, "%s: then read page 5 (read '%c', want '%c')", label, c, 'a' + 5);
	residency(what, p, 64, zpfn);
	int bad = 0;
	for (int i = 0; i < 16 * K64; i++)
		bad += p[i] != 'a' + (i / 4096) % 26;
	snprintf(what, sizeof what, "%s: then read all (%d bytes differ)", label, bad);
	residency(what, p, 64, zpfn);

	/* two folios of zeros, one page of the second written */
	char *q = region(2 * K64);
	memset(q, 0, 2 * K64);
	q[K64 + 5 * 4096] = 7;
	s0 = split64k();
	madvise(q, 2 * K64, MADV_PAGEOUT);
	snprintf(what, sizeof what, "%s: 2 zero 64K folios, page 21 written, PAGEOUT (64K splits +%ld)", label, split64k() - s0);
	residency(what, q, 32, zpfn);

	/* one folio, PAGEOUT of its first 16K */
	char *w = region(K64);
	memset(w, 'w', K64);
	s0 = split64k();
	madvise(w, 16384, MADV_PAGEOUT);
	snprintf(what, sizeof what, "%s: one written 64K folio, PAGEOUT of the first 16K (64K splits +%ld)", label, split64k() - s0);
	residency(what, w, 16, zpfn);
	return 0;
}
