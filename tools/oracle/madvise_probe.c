/* ---- common helpers: identical copy in every probe so each file is self-contained ---- */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdarg.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define UNUSED __attribute__((unused))
#pragma GCC diagnostic ignored "-Wunused-function"

#define PG 4096UL
#define M2 (2UL << 20)
#define TASK_SIZE_X86 0x7ffffffff000UL
#define RW (PROT_READ | PROT_WRITE)
#define PA (MAP_PRIVATE | MAP_ANONYMOUS)
#define FX MAP_FIXED
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

static UNUSED unsigned long R, RLEN;   /* current private region (base, length) */
static UNUSED int LASTE;               /* errno of the last x* syscall (0 on success) */

static UNUSED char sbuf[32][16384];
static UNUSED int sidx;
static UNUSED char *S(void) { char *s = sbuf[sidx]; sidx = (sidx + 1) % 32; s[0] = 0; return s; }

static UNUSED long ck(long r) { LASTE = (r == -1) ? errno : 0; return r; }
static UNUSED long xmmap(unsigned long a, unsigned long l, unsigned long p, unsigned long f, long fd, unsigned long off)
{ errno = 0; return ck(syscall(SYS_mmap, a, l, p, f, fd, off)); }
static UNUSED long xmunmap(unsigned long a, unsigned long l) { errno = 0; return ck(syscall(SYS_munmap, a, l)); }
static UNUSED long xmprotect(unsigned long a, unsigned long l, unsigned long p) { errno = 0; return ck(syscall(SYS_mprotect, a, l, p)); }
static UNUSED long xmremap(unsigned long a, unsigned long ol, unsigned long nl, unsigned long f, unsigned long na)
{ errno = 0; return ck(syscall(SYS_mremap, a, ol, nl, f, na)); }
static UNUSED long xmadvise(unsigned long a, unsigned long l, long adv) { errno = 0; return ck(syscall(SYS_madvise, a, l, adv)); }

static const char *en(int e)
{
	if (!e) return "-";
	const char *s = strerrorname_np(e);
	return s ? s : "?";
}

/* address relative to the region base R */
static const char *rel(unsigned long a)
{
	char *s = S();
	long d = (long)(a - R);
	if (R && d > -(1L << 32) && d < (1L << 32))
		sprintf(s, d < 0 ? "R-0x%lx" : "R+0x%lx", d < 0 ? -d : d);
	else
		sprintf(s, "0x%lx", a);
	return s;
}
static const char *ofs(unsigned long a)
{
	char *s = S();
	long d = (long)(a - R);
	sprintf(s, d < 0 ? "-0x%lx" : "0x%lx", d < 0 ? -d : d);
	return s;
}

/* region: PROT_NONE reservation, 2M aligned, with >= 2M of free space on both sides */
static UNUSED unsigned long reserve(unsigned long len)
{
	unsigned long x = syscall(SYS_mmap, 0, len + 6 * M2, PROT_NONE, PA, -1, 0);
	if ((long)x == -1) { perror("reserve"); exit(1); }
	unsigned long b = ((x + M2 - 1) & ~(M2 - 1)) + M2;
	syscall(SYS_munmap, x, b - x);
	syscall(SYS_munmap, b + len, x + len + 6 * M2 - (b + len));
	R = b; RLEN = len;
	return b;
}
static UNUSED void release(void) { syscall(SYS_munmap, R, RLEN); }
/* unmap something a call returned if it is outside the region */
static UNUSED void drop(long r, unsigned long len)
{
	if (r != -1 && ((unsigned long)r + len <= R || (unsigned long)r >= R + RLEN))
		syscall(SYS_munmap, r, len);
}

static UNUSED char fbuf[1 << 21];
static UNUSED int readfile(const char *p, char *buf, int cap)
{
	int fd = open(p, O_RDONLY), n = 0, k;
	if (fd < 0) return -1;
	while ((k = read(fd, buf + n, cap - 1 - n)) > 0) n += k;
	close(fd);
	buf[n] = 0;
	return n;
}

struct vma { unsigned long s, e; char perm[8]; char flags[160]; long rss, ahp, anon; };
static struct vma V[512];
/* VMAs intersecting [lo, hi) from /proc/self/smaps */
static UNUSED int getvmas(unsigned long lo, unsigned long hi)
{
	int n = 0, cur = -1;
	readfile("/proc/self/smaps", fbuf, sizeof fbuf);
	for (char *l = fbuf; l && *l; ) {
		char *nl = strchr(l, '\n');
		if (nl) *nl = 0;
		if ((*l >= '0' && *l <= '9') || (*l >= 'a' && *l <= 'f')) {
			unsigned long s, e; char perm[8];
			cur = -1;
			if (sscanf(l, "%lx-%lx %7s", &s, &e, perm) == 3 && e > lo && s < hi && n < 512) {
				cur = n++;
				V[cur].s = s; V[cur].e = e; strcpy(V[cur].perm, perm);
				V[cur].flags[0] = 0; V[cur].rss = V[cur].ahp = V[cur].anon = 0;
			}
		} else if (cur >= 0) {
			if (!strncmp(l, "VmFlags:", 8)) { snprintf(V[cur].flags, sizeof V[cur].flags, "%s", l + 9); 
				size_t k = strlen(V[cur].flags); while (k && V[cur].flags[k-1] == ' ') V[cur].flags[--k] = 0; }
			else if (!strncmp(l, "Rss:", 4)) V[cur].rss = atol(l + 4);
			else if (!strncmp(l, "AnonHugePages:", 14)) V[cur].ahp = atol(l + 14);
			else if (!strncmp(l, "Anonymous:", 10)) V[cur].anon = atol(l + 10);
		}
		l = nl ? nl + 1 : NULL;
	}
	return n;
}
/* "N VMA: [a-b perm] ..." relative to R; with_flags adds VmFlags */
static const char *layout_(unsigned long lo, unsigned long len, int with_flags)
{
	char *s = S();
	int n = getvmas(lo, lo + len);
	int p = sprintf(s, "%d VMA%s", n, n == 1 ? "" : "s");
	for (int i = 0; i < n; i++) {
		p += sprintf(s + p, "%s [%s-%s %s", i ? ";" : ":", ofs(V[i].s), ofs(V[i].e), V[i].perm);
		if (with_flags) p += sprintf(s + p, " {%s}", V[i].flags);
		p += sprintf(s + p, "]");
	}
	return s;
}
static const char *layout(unsigned long lo, unsigned long len) { return layout_(lo, len, 0); }
static const char *layoutf(unsigned long lo, unsigned long len) { return layout_(lo, len, 1); }
static UNUSED int nvmas(unsigned long lo, unsigned long len) { return getvmas(lo, lo + len); }

/* pagemap */
#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_FILE (1ULL << 61)
#define PM_GUARD (1ULL << 58)
#define PM_EXCL (1ULL << 56)
#define PFN(v) ((v) & ((1ULL << 55) - 1))
static UNUSED uint64_t ZPFN, HZPFN; /* 4K zero page pfn; first pfn of the huge zero page if known */
static UNUSED uint64_t pme(unsigned long a)
{
	static int fd = -1;
	uint64_t v = 0;
	if (fd < 0) fd = open("/proc/self/pagemap", O_RDONLY);
	if (pread(fd, &v, 8, (a / PG) * 8) != 8) v = 0;
	return v;
}
static UNUSED char pclass(unsigned long a)
{
	uint64_t v = pme(a);
	if (v & PM_PRESENT) {
		if (PFN(v) == ZPFN) return 'Z';
		if (HZPFN && PFN(v) >= HZPFN && PFN(v) < HZPFN + 512) return 'H';
		return 'P';
	}
	if (v & PM_GUARD) return 'G';
	if (v & PM_SWAP) return 'S';
	return '.';
}
/* run-length residency string: P=present page, Z=the zero page, H=huge zero page, S=swapped, G=guard marker, .=none */
static const char *resid(unsigned long a, unsigned long npages)
{
	char *s = S();
	int p = 0;
	char prev = 0; unsigned long run = 0;
	for (unsigned long i = 0; i <= npages; i++) {
		char c = i < npages ? pclass(a + i * PG) : 0;
		if (c == prev) { run++; continue; }
		if (prev) {
			p += sprintf(s + p, "%s%c", p ? " " : "", prev);
			if (run > 1) p += sprintf(s + p, "x%lu", run);
		}
		prev = c; run = 1;
	}
	return s;
}
/* are the pfns of the present pages in [a, a+n pages) consecutive? */
static UNUSED int contig(unsigned long a, unsigned long n)
{
	uint64_t first = 0; int have = 0;
	for (unsigned long i = 0; i < n; i++) {
		uint64_t v = pme(a + i * PG);
		if (!(v & PM_PRESENT)) return 0;
		if (!have) { first = PFN(v); have = 1; }
		else if (PFN(v) != first + i) return 0;
	}
	return have;
}
static UNUSED void init_zero(void)
{
	/* pre-fault the probe's own static buffers so that later faults (and mTHP fault counters) are the probe's subject only */
	memset(sbuf, 0, sizeof sbuf);
	memset(fbuf, 0, sizeof fbuf);
	memset(V, 0, sizeof V);
	unsigned long a = syscall(SYS_mmap, 0, PG, PROT_READ, PA, -1, 0);
	volatile char c = *(volatile char *)a; (void)c;
	ZPFN = PFN(pme(a));
	syscall(SYS_munmap, a, PG);
}
static UNUSED void fill(unsigned long a, unsigned long npages, char tag)
{
	for (unsigned long i = 0; i < npages; i++) *(volatile char *)(a + i * PG) = tag;
}
static UNUSED void touchr(unsigned long a, unsigned long npages)
{
	for (unsigned long i = 0; i < npages; i++) { volatile char c = *(volatile char *)(a + i * PG); (void)c; }
}
/* first byte of each page as a string, '0' for zero bytes, '_' unmapped, '#' mapped but not readable */
static const char *peek(unsigned long a, unsigned long npages)
{
	char *s = S();
	for (unsigned long i = 0; i < npages; i++) {
		unsigned long p = a + i * PG;
		if (getvmas(p, p + 1) != 1) { s[i] = '_'; continue; }
		if (V[0].perm[0] != 'r') { s[i] = '#'; continue; }
		char c = *(volatile char *)p;
		s[i] = c ? c : '0';
	}
	s[npages] = 0;
	return s;
}

static UNUSED void hdr(const char *t)
{
	printf("\n#### %s\n\n| id | call | ret | errno | result (VMAs in region, offsets hex relative to R; residency) |\n|---|---|---|---|---|\n", t);
}
/* escape '|' for markdown table cells */
static const char *esc(const char *in)
{
	char *s = S(); int p = 0;
	for (; *in && p < 16000; in++) { if (*in == '|') s[p++] = '\\'; s[p++] = *in; }
	s[p] = 0;
	return s;
}
static UNUSED void rowA(const char *id, const char *call, long r, const char *notes)
{
	printf("| %s | `%s` | %s | %s | %s |\n", id, esc(call), r == -1 ? "-1" : rel(r), en(LASTE), esc(notes));
	fflush(stdout);
}
static UNUSED void rowI(const char *id, const char *call, long r, const char *notes)
{
	printf("| %s | `%s` | %ld | %s | %s |\n", id, esc(call), r, en(LASTE), esc(notes));
	fflush(stdout);
}
static const char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static const char *fmt(const char *f, ...)
{
	char *s = S();
	va_list ap; va_start(ap, f); vsnprintf(s, 16384, f, ap); va_end(ap);
	return s;
}
/* ---- end of common helpers ---- */

/* madvise_probe.c: madvise(2) validation, holes, residency effects and VMA splits. */

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED 24
#endif
#define MADV_GUARD_INSTALL_ 102
#define MADV_GUARD_REMOVE_ 103

static void clean(void) { xmmap(R, RLEN, PROT_NONE, PA | FX, -1, 0); }
static void ab(int written)
{
	clean();
	xmmap(R, 0xc000, RW, PA | FX, -1, 0);
	if (written) fill(R, 12, 'a');
	xmunmap(R + 0x4000, 0x4000);
	xmunmap(R + 0xc000, 0x4000);
}
static long ahp_at(unsigned long a) { getvmas(a, a + 1); return V[0].ahp; }

int main(void)
{
	long r;
	init_zero();
	printf("### madvise (raw syscall(SYS_madvise); R = 2M-aligned region; residency: P present, Z zero page, . none, S swap, G guard marker; data = first byte of each page)\n");
	reserve(64 * PG);

	hdr("madvise: advice values (scratch [0,0x1000) RW written, madvise(R, 0x1000, adv))");
	{
		char ok[4096] = "", bad[4096] = "";
		int po = 0, pb = 0;
		for (int adv = -1; adv <= 130; adv++) {
			if (adv == 100 || adv == 101) continue; /* MADV_HWPOISON / MADV_SOFT_OFFLINE act on physical pages: not probed */
			clean(); xmmap(R, PG, RW, PA | FX, -1, 0); fill(R, 1, 'a');
			r = xmadvise(R, PG, adv);
			if (r == 0) po += sprintf(ok + po, "%d ", adv);
			else pb += sprintf(bad + pb, "%d:%s ", adv, en(LASTE));
		}
		r = xmadvise(R, PG, 999);
		pb += sprintf(bad + pb, "999:%s", en(LASTE));
		LASTE = 0;
		rowI("madvise-advice-scan-ok", "madvise(R, 0x1000, adv) for adv in -1..130 (not 100, 101), 999: returned 0", 0, ok);
		rowI("madvise-advice-scan-err", "same: returned -1 (adv:errno)", -1, bad);
	}
	clean(); xmmap(R, PG, RW, PA | FX, -1, 0);
	r = xmadvise(R, 0, 999);
	rowI("madvise-len0-unknown", "madvise(R, 0, 999)", r, "");
	r = xmadvise(R + 0x10, PG, MADV_DONTNEED);
	rowI("madvise-unaligned", "madvise(R+0x10, 0x1000, DONTNEED)", r, "");
	r = xmadvise(R + 0x10, 0, MADV_DONTNEED);
	rowI("madvise-unaligned-len0", "madvise(R+0x10, 0, DONTNEED)", r, "");
	r = xmadvise(R, 0, MADV_DONTNEED);
	rowI("madvise-len0", "madvise(R, 0, DONTNEED)", r, "");
	r = xmadvise(0x800000000000UL, 0, MADV_DONTNEED);
	rowI("madvise-len0-above-tasksize", "madvise(0x800000000000, 0, DONTNEED)", r, "");
	r = xmadvise(R, -1UL, MADV_DONTNEED);
	rowI("madvise-len--1", "madvise(R, 0xffffffffffffffff, DONTNEED) (PAGE_ALIGN wraps to 0)", r, "");
	r = xmadvise(R, -4096UL, MADV_DONTNEED);
	rowI("madvise-overflow", "madvise(R, 0xfffffffffffff000, DONTNEED)", r, "");
	r = xmadvise(R, -4096UL, MADV_NORMAL);
	rowI("madvise-overflow-normal", "madvise(R, 0xfffffffffffff000, NORMAL)", r, "");
	r = xmadvise(R, 1, MADV_DONTNEED);
	rowI("madvise-len1", "madvise(R, 1, DONTNEED)", r, "");
	r = xmadvise(0x800000000000UL, PG, MADV_DONTNEED);
	rowI("madvise-above-tasksize", "madvise(0x800000000000, 0x1000, DONTNEED)", r, "");
	r = xmadvise(TASK_SIZE_X86 - PG, 2 * PG, MADV_DONTNEED);
	rowI("madvise-cross-tasksize", "madvise(0x7fffffffe000, 0x2000, DONTNEED) (nothing mapped)", r, "");
	xmunmap(R + PG, 4 * PG);
	static const long unm[] = { MADV_DONTNEED, MADV_NORMAL, MADV_WILLNEED, MADV_PAGEOUT, MADV_POPULATE_READ, MADV_DONTFORK, MADV_FREE };
	static const char *unmn[] = { "DONTNEED", "NORMAL", "WILLNEED", "PAGEOUT", "POPULATE_READ", "DONTFORK", "FREE" };
	for (int i = 0; i < 7; i++) {
		r = xmadvise(R + PG, 4 * PG, unm[i]);
		rowI(fmt("madvise-unmapped-%s", unmn[i]), fmt("madvise(R+0x1000 (nothing mapped), 0x4000, %s)", unmn[i]), r, "");
	}

	hdr("madvise: ranges with holes; A = [0,0x4000) RW, hole [0x4000,0x8000), B = [0x8000,0xc000) RW, hole [0xc000,0x10000), rest PROT_NONE");
	static const long adv[] = { MADV_DONTNEED, MADV_FREE, MADV_NORMAL, MADV_RANDOM, MADV_DONTFORK, MADV_HUGEPAGE, MADV_WIPEONFORK, MADV_PAGEOUT, MADV_COLD, MADV_WILLNEED, MADV_POPULATE_READ, MADV_POPULATE_WRITE, MADV_DONTDUMP, MADV_COLLAPSE, MADV_GUARD_INSTALL_ };
	static const char *an[] = { "DONTNEED", "FREE", "NORMAL", "RANDOM", "DONTFORK", "HUGEPAGE", "WIPEONFORK", "PAGEOUT", "COLD", "WILLNEED", "POPULATE_READ", "POPULATE_WRITE", "DONTDUMP", "COLLAPSE", "GUARD_INSTALL" };
	static const struct { unsigned long a, l; const char *nm; } rg[] = { { 0, 0xc000, "middle hole" }, { 0x4000, 0x8000, "hole at start" }, { 0x8000, 0x8000, "hole at end" } };
	for (int g = 0; g < 3; g++)
		for (int i = 0; i < 15; i++) {
			int populate = adv[i] == MADV_POPULATE_READ || adv[i] == MADV_POPULATE_WRITE;
			if (g && !(adv[i] == MADV_DONTNEED || adv[i] == MADV_DONTFORK || populate || adv[i] == MADV_PAGEOUT)) continue;
			ab(!populate);
			r = xmadvise(R + rg[g].a, rg[g].l, adv[i]);
			const char *resA = resid(R, 4), *resB = resid(R + 0x8000, 4);
			const char *lay = layoutf(R, 0x10000);
			int guard = adv[i] == MADV_GUARD_INSTALL_;
			rowI(fmt("madvise-hole-%s-%s", g == 0 ? "mid" : g == 1 ? "start" : "end", an[i]), fmt("%s%s: madvise(R+0x%lx, 0x%lx, %s)", rg[g].nm, populate ? " (A, B untouched)" : " (A, B written)", rg[g].a, rg[g].l, an[i]), r,
			     fmt("%s; residency A %s B %s%s%s", lay, resA, resB, guard ? "" : "; data A ", guard ? "" : fmt("%s B %s", peek(R, 4), peek(R + 0x8000, 4))));
		}

	hdr("madvise: POPULATE on inaccessible mappings");
	static const struct { unsigned long prot; long adv; const char *nm; } pp[] = {
		{ PROT_READ, MADV_POPULATE_WRITE, "PROT_READ, POPULATE_WRITE" },
		{ PROT_READ, MADV_POPULATE_READ, "PROT_READ, POPULATE_READ" },
		{ PROT_NONE, MADV_POPULATE_READ, "PROT_NONE, POPULATE_READ" },
		{ PROT_NONE, MADV_POPULATE_WRITE, "PROT_NONE, POPULATE_WRITE" },
		{ PROT_WRITE, MADV_POPULATE_READ, "PROT_WRITE only, POPULATE_READ" },
		{ PROT_EXEC, MADV_POPULATE_READ, "PROT_EXEC only, POPULATE_READ" },
	};
	for (int i = 0; i < 6; i++) {
		clean(); xmmap(R, 4 * PG, pp[i].prot, PA | FX, -1, 0);
		r = xmadvise(R, 4 * PG, pp[i].adv);
		rowI(fmt("madvise-populate-%d", i), fmt("mmap(R, 0x4000, %s)", pp[i].nm), r, fmt("residency %s", resid(R, 4)));
	}
	clean(); xmmap(R, 2 * PG, RW, PA | FX, -1, 0); xmmap(R + 2 * PG, 2 * PG, PROT_READ, PA | FX, -1, 0);
	r = xmadvise(R, 4 * PG, MADV_POPULATE_WRITE);
	rowI("madvise-populate-write-rw-then-ro", "[0,0x2000) RW, [0x2000,0x4000) READ; madvise(R, 0x4000, POPULATE_WRITE)", r, fmt("residency %s", resid(R, 4)));
	{
		int fd = open("/proc/self/exe", O_RDONLY);
		clean(); xmmap(R, 4 * PG, PROT_READ, MAP_SHARED | FX, fd, 0);
		r = xmadvise(R, 4 * PG, MADV_POPULATE_READ);
		rowI("madvise-populate-read-file", "mmap(R, 0x4000, READ, SHARED, /proc/self/exe); madvise(R, 0x4000, POPULATE_READ)", r, fmt("residency %s", resid(R, 4)));
		close(fd);
	}

	hdr("madvise: residency effects on private anonymous memory (no swap device)");
	clean(); xmmap(R, 8 * PG, RW, PA | FX, -1, 0); fill(R, 8, 'a');
	r = xmadvise(R, 8 * PG, MADV_PAGEOUT);
	{
		const char *res = resid(R, 8);
		getvmas(R, R + 1);
		rowI("madvise-pageout-dirty-noswap", "[0,0x8000) RW written; madvise(R, 0x8000, PAGEOUT)", r, fmt("residency %s; data %s; smaps Rss %ld kB", res, peek(R, 8), V[0].rss));
	}
	clean(); xmmap(R, 8 * PG, RW, PA | FX, -1, 0); touchr(R, 8);
	r = xmadvise(R, 8 * PG, MADV_PAGEOUT);
	rowI("madvise-pageout-zeropage", "[0,0x8000) RW read-faulted (zero page); madvise(R, 0x8000, PAGEOUT)", r, fmt("residency %s", resid(R, 8)));
	clean(); xmmap(R, 8 * PG, RW, PA | FX, -1, 0); fill(R, 8, 'a');
	r = xmadvise(R, 8 * PG, MADV_FREE);
	{
		const char *res = resid(R, 8);
		rowI("madvise-free", "[0,0x8000) RW written; madvise(R, 0x8000, FREE)", r, ({ const char *d = peek(R, 8), *a = resid(R, 8); fmt("residency %s; data (read) %s; residency after read %s", res, d, a); }));
	}
	clean(); xmmap(R, 8 * PG, RW, PA | FX, -1, 0); fill(R, 8, 'a');
	xmadvise(R, 8 * PG, MADV_FREE);
	fill(R + 2 * PG, 1, 'b');
	r = xmadvise(R, 8 * PG, MADV_PAGEOUT);
	{
		const char *res = resid(R, 8);
		rowI("madvise-free-then-pageout", "[0,0x8000) 'a'; madvise(FREE); write 'b' to page 2; madvise(R, 0x8000, PAGEOUT)", r, ({ const char *d = peek(R, 8), *a = resid(R, 8); fmt("residency %s; data %s; residency after read %s", res, d, a); }));
	}
	clean(); xmmap(R, 8 * PG, RW, PA | FX, -1, 0); fill(R, 8, 'a');
	r = xmadvise(R + 2 * PG, 4 * PG, MADV_DONTNEED);
	{
		const char *res = resid(R, 8), *lay = layout(R, 8 * PG);
		rowI("madvise-dontneed", "[0,0x8000) RW written; madvise(R+0x2000, 0x4000, DONTNEED)", r, ({ const char *d = peek(R, 8), *a = resid(R, 8); fmt("%s; residency %s; data %s; residency after read %s", lay, res, d, a); }));
	}
	clean(); xmmap(R, 8 * PG, RW, PA | FX | MAP_LOCKED, -1, 0); fill(R, 8, 'a');
	r = xmadvise(R, 8 * PG, MADV_DONTNEED);
	rowI("madvise-dontneed-locked", "[0,0x8000) RW MAP_LOCKED; madvise(R, 0x8000, DONTNEED)", r, fmt("residency %s", resid(R, 8)));
	r = xmadvise(R, 8 * PG, MADV_DONTNEED_LOCKED);
	rowI("madvise-dontneed_locked-locked", "madvise(R, 0x8000, DONTNEED_LOCKED)", r, fmt("residency %s", resid(R, 8)));
	r = xmadvise(R, 8 * PG, MADV_PAGEOUT);
	rowI("madvise-pageout-locked", "madvise(R, 0x8000, PAGEOUT) on the MAP_LOCKED VMA", r, "");
	r = xmadvise(R, 8 * PG, MADV_FREE);
	rowI("madvise-free-locked", "madvise(R, 0x8000, FREE) on the MAP_LOCKED VMA", r, "");
	clean();
	r = xmadvise(R, 8 * PG, MADV_DONTNEED);
	rowI("madvise-dontneed-protnone", "PROT_NONE region; madvise(R, 0x8000, DONTNEED)", r, "");
	r = xmadvise(R, 8 * PG, MADV_FREE);
	rowI("madvise-free-protnone", "PROT_NONE region; madvise(R, 0x8000, FREE)", r, "");
	clean(); xmmap(R, 8 * PG, RW, MAP_SHARED | MAP_ANONYMOUS | FX, -1, 0); fill(R, 8, 's');
	r = xmadvise(R, 8 * PG, MADV_FREE);
	rowI("madvise-free-shared", "shared anon written; madvise(R, 0x8000, FREE)", r, "");
	r = xmadvise(R, 8 * PG, MADV_WIPEONFORK);
	rowI("madvise-wipeonfork-shared", "shared anon; madvise(R, 0x8000, WIPEONFORK)", r, "");
	r = xmadvise(R, 8 * PG, MADV_DONTNEED);
	rowI("madvise-dontneed-shared", "shared anon; madvise(R, 0x8000, DONTNEED)", r, ({ const char *a = resid(R, 8), *d = peek(R, 8); fmt("residency %s; data %s", a, d); }));
	r = xmadvise(R, 8 * PG, MADV_PAGEOUT);
	{
		const char *res = resid(R, 8);
		rowI("madvise-pageout-shared", "shared anon (shmem); madvise(R, 0x8000, PAGEOUT)", r, ({ const char *d = peek(R, 8), *a = resid(R, 8); fmt("residency %s; data %s; residency after read %s", res, d, a); }));
	}
	r = xmadvise(R, 8 * PG, MADV_REMOVE);
	rowI("madvise-remove-shared", "shared anon; madvise(R, 0x8000, REMOVE)", r, fmt("data %s", peek(R, 8)));
	clean(); xmmap(R, 8 * PG, RW, PA | FX, -1, 0);
	r = xmadvise(R, 8 * PG, MADV_REMOVE);
	rowI("madvise-remove-private", "private anon; madvise(R, 0x8000, REMOVE)", r, "");
	fill(R, 8, 'a');
	r = xmadvise(R + 2 * PG, 2 * PG, MADV_GUARD_INSTALL_);
	rowI("madvise-guard-install", "private anon [0,0x8000) written; madvise(R+0x2000, 0x2000, GUARD_INSTALL)", r, fmt("%s; residency %s", layoutf(R, 8 * PG), resid(R, 8)));
	r = xmadvise(R, 8 * PG, MADV_DONTNEED);
	rowI("madvise-dontneed-over-guard", "madvise(R, 0x8000, DONTNEED)", r, fmt("residency %s (guard markers survive DONTNEED?)", resid(R, 8)));
	r = xmadvise(R + 2 * PG, 2 * PG, MADV_GUARD_REMOVE_);
	{
		const char *res = resid(R, 8);
		rowI("madvise-guard-remove", "madvise(R+0x2000, 0x2000, GUARD_REMOVE)", r, fmt("residency %s; data %s; %s", res, peek(R, 8), layoutf(R, 8 * PG)));
	}
	xmunmap(R + 8 * PG, 4 * PG);
	r = xmmap(R + 8 * PG, 4 * PG, RW, PA | FX, -1, 0);
	rowA("madvise-guard-vma-merge", "then mmap(R+0x8000, 0x4000, RW, PA|FIXED) next to the VMA that had guards", r, layoutf(R, 12 * PG));

	hdr("madvise: VMA flag changes, splits and merges ([0,0x10000) RW written)");
	static const struct { long a1, a2; const char *n1, *n2; } fl[] = {
		{ MADV_DONTFORK, MADV_DOFORK, "DONTFORK", "DOFORK" },
		{ MADV_HUGEPAGE, MADV_NOHUGEPAGE, "HUGEPAGE", "NOHUGEPAGE" },
		{ MADV_WIPEONFORK, MADV_KEEPONFORK, "WIPEONFORK", "KEEPONFORK" },
		{ MADV_DONTDUMP, MADV_DODUMP, "DONTDUMP", "DODUMP" },
		{ MADV_RANDOM, MADV_NORMAL, "RANDOM", "NORMAL" },
		{ MADV_SEQUENTIAL, MADV_RANDOM, "SEQUENTIAL", "RANDOM" },
		{ MADV_MERGEABLE, MADV_UNMERGEABLE, "MERGEABLE", "UNMERGEABLE" },
	};
	for (int i = 0; i < 7; i++) {
		clean(); xmmap(R, 16 * PG, RW, PA | FX, -1, 0); fill(R, 16, 'a');
		r = xmadvise(R + 4 * PG, 4 * PG, fl[i].a1);
		rowI(fmt("madvise-split-%s", fl[i].n1), fmt("madvise(R+0x4000, 0x4000, %s)", fl[i].n1), r, layoutf(R, 16 * PG));
		r = xmadvise(R + 4 * PG, 4 * PG, fl[i].a2);
		rowI(fmt("madvise-merge-%s", fl[i].n2), fmt("then madvise(R+0x4000, 0x4000, %s)", fl[i].n2), r, layoutf(R, 16 * PG));
	}
	clean(); xmmap(R, 16 * PG, RW, PA | FX, -1, 0);
	r = xmadvise(R, 16 * PG, MADV_NOHUGEPAGE);
	rowI("madvise-nohugepage-whole", "[0,0x10000) RW; madvise(R, 0x10000, NOHUGEPAGE)", r, layoutf(R, 16 * PG));
	r = xmmap(R + 16 * PG, 4 * PG, RW, PA | FX, -1, 0);
	rowA("madvise-mmap-next-to-nohugepage", "then mmap(R+0x10000, 0x4000, RW, PA|FIXED)", r, layoutf(R, 20 * PG));
	clean(); xmmap(R, 16 * PG, RW, PA | FX, -1, 0);
	r = xmadvise(R + 4 * PG, 4 * PG, MADV_WIPEONFORK);
	rowI("madvise-wipeonfork-private", "[0,0x10000) RW; madvise(R+0x4000, 0x4000, WIPEONFORK)", r, layoutf(R, 16 * PG));
	clean();
	r = xmadvise(R, 4 * PG, MADV_WIPEONFORK);
	rowI("madvise-wipeonfork-protnone", "PROT_NONE private anon; madvise(R, 0x4000, WIPEONFORK)", r, layoutf(R, 16 * PG));
	{
		int fd = open("/proc/self/exe", O_RDONLY);
		clean(); xmmap(R, 4 * PG, PROT_READ, MAP_PRIVATE | FX, fd, 0);
		r = xmadvise(R, 4 * PG, MADV_WIPEONFORK);
		rowI("madvise-wipeonfork-private-file", "private file mapping; madvise(R, 0x4000, WIPEONFORK)", r, "");
		r = xmadvise(R, 4 * PG, MADV_HUGEPAGE);
		rowI("madvise-hugepage-private-file", "private file mapping; madvise(R, 0x4000, HUGEPAGE)", r, layoutf(R, 4 * PG));
		close(fd);
	}
	release();

	hdr("madvise: MADV_COLLAPSE (THP enabled as set by run.sh for this run; no MADV_HUGEPAGE unless stated)");
	{
		unsigned long b = reserve(4 * M2);
		xmmap(b, M2, RW, PA | FX, -1, 0);
		fill(b, 1, 'a');
		const char *res0 = resid(b, 512);
		r = xmadvise(b, M2, MADV_COLLAPSE);
		rowI("madvise-collapse-1page", "2M-aligned [0,2M) RW, one page written; madvise(R, 2M, COLLAPSE)", r, fmt("residency before %s; after %s; AnonHugePages %ld kB; contiguous pfns %d", res0, resid(b, 512), ahp_at(b), contig(b, 512)));
		xmmap(b, M2, RW, PA | FX, -1, 0);
		r = xmadvise(b, M2, MADV_COLLAPSE);
		rowI("madvise-collapse-empty", "2M-aligned [0,2M) RW untouched; madvise(R, 2M, COLLAPSE)", r, fmt("after %s; AnonHugePages %ld kB", resid(b, 512), ahp_at(b)));
		xmmap(b, M2, RW, PA | FX, -1, 0);
		fill(b, 512, 'a');
		r = xmadvise(b, M2, MADV_COLLAPSE);
		rowI("madvise-collapse-full", "2M-aligned [0,2M) RW all written; madvise(R, 2M, COLLAPSE)", r, fmt("AnonHugePages %ld kB; data %s", ahp_at(b), peek(b, 4)));
		xmunmap(b, 4 * M2);
		xmmap(b, 16 * PG, RW, PA | FX, -1, 0);
		fill(b, 16, 'a');
		r = xmadvise(b, 16 * PG, MADV_COLLAPSE);
		rowI("madvise-collapse-small-vma", "only [0,0x10000) RW written mapped (VMA smaller than 2M); madvise(R, 0x10000, COLLAPSE)", r, layout(b, 4 * M2));
		xmunmap(b, 4 * M2);
		xmmap(b, M2 + M2 / 2, RW, PA | FX, -1, 0);
		fill(b, 16, 'a');
		r = xmadvise(b, 16 * PG, MADV_COLLAPSE);
		rowI("madvise-collapse-aligned-start-short", "[0,3M) RW, first 16 pages written; madvise(R, 0x10000, COLLAPSE) (start 2M-aligned, covers no whole 2M block)", r, fmt("AnonHugePages %ld kB", ahp_at(b)));
		xmmap(b, M2 + M2 / 2, RW, PA | FX, -1, 0);
		fill(b, 16, 'a');
		r = xmadvise(b + PG, 16 * PG, MADV_COLLAPSE);
		rowI("madvise-collapse-subrange", "[0,3M) RW, first 16 pages written; madvise(R+0x1000, 0x10000, COLLAPSE) (range covers no aligned 2M block)", r, fmt("AnonHugePages %ld kB", ahp_at(b)));
		xmmap(b, M2, RW, PA | FX, -1, 0);
		fill(b, 4, 'a');
		xmadvise(b, M2, MADV_NOHUGEPAGE);
		r = xmadvise(b, M2, MADV_COLLAPSE);
		rowI("madvise-collapse-nohugepage", "[0,2M) RW written 4 pages, MADV_NOHUGEPAGE; madvise(R, 2M, COLLAPSE)", r, fmt("AnonHugePages %ld kB", ahp_at(b)));
		xmmap(b, M2, PROT_READ, PA | FX, -1, 0);
		touchr(b, 4);
		r = xmadvise(b, M2, MADV_COLLAPSE);
		rowI("madvise-collapse-zeropage-ro", "[0,2M) READ, 4 pages read-faulted (zero page); madvise(R, 2M, COLLAPSE)", r, fmt("AnonHugePages %ld kB; residency %s", ahp_at(b), resid(b, 512)));
		xmmap(b, M2, RW, PA | FX, -1, 0);
		touchr(b, 4);
		r = xmadvise(b, M2, MADV_COLLAPSE);
		rowI("madvise-collapse-zeropage-rw", "[0,2M) RW, 4 pages read-faulted (zero page); madvise(R, 2M, COLLAPSE)", r, fmt("AnonHugePages %ld kB; residency %s", ahp_at(b), resid(b, 512)));
		xmmap(b, M2, RW, PA | FX, -1, 0);
		fill(b, 1, 'a');
		xmadvise(b, M2, MADV_HUGEPAGE);
		r = xmadvise(b, M2, MADV_COLLAPSE);
		rowI("madvise-collapse-hugepage", "[0,2M) RW MADV_HUGEPAGE, 1 page written; madvise(R, 2M, COLLAPSE)", r, fmt("AnonHugePages %ld kB", ahp_at(b)));
		release();
	}
	return 0;
}
