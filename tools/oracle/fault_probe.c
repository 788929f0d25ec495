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

/* fault_probe.c: anonymous fault residency (zero page, PMD THP, mTHP). Run once per THP setting (run.sh sets them). */

static const int sizes_kb[] = { 8, 16, 32, 64, 128, 256, 512, 1024, 2048 };
static long stat0[9];
static long rdstat(int kb)
{
	char p[160], b[64];
	sprintf(p, "/sys/kernel/mm/transparent_hugepage/hugepages-%dkB/stats/anon_fault_alloc", kb);
	if (readfile(p, b, sizeof b) <= 0) return -1;
	return atol(b);
}
static void stats_begin(void) { for (int i = 0; i < 9; i++) stat0[i] = rdstat(sizes_kb[i]); }
static const char *stats_delta(void)
{
	char *s = S(); int p = 0;
	for (int i = 0; i < 9; i++) {
		long d = rdstat(sizes_kb[i]) - stat0[i];
		if (d) p += sprintf(s + p, "%s%dK:+%ld", p ? " " : "", sizes_kb[i], d);
	}
	if (!p) sprintf(s, "none");
	return s;
}
static const char *settings(void)
{
	char *s = S(), b[256]; int p = 0;
	readfile("/sys/kernel/mm/transparent_hugepage/enabled", b, sizeof b);
	*strchr(b, '\n') = 0;
	p += sprintf(s + p, "enabled=`%s`", b);
	for (int i = 0; i < 8; i++) {
		char path[160];
		sprintf(path, "/sys/kernel/mm/transparent_hugepage/hugepages-%dkB/enabled", sizes_kb[i]);
		if (readfile(path, b, sizeof b) <= 0) continue;
		char *l = strchr(b, '['), *r = strchr(b, ']');
		if (l && r && strncmp(l + 1, "never", 5)) { *r = 0; p += sprintf(s + p, ", %dK=%s", sizes_kb[i], l + 1); }
	}
	return s;
}
static long ahp_at(unsigned long a) { getvmas(a, a + 1); return V[0].ahp; }
static int npresent(unsigned long a, unsigned long n, int nonzero)
{
	int c = 0;
	for (unsigned long i = 0; i < n; i++) { char k = pclass(a + i * PG); if (k == 'P' || (!nonzero && (k == 'Z' || k == 'H'))) c++; }
	return c;
}
/* first..last present non-zero page index in [a, a+n) */
static const char *span(unsigned long a, unsigned long n)
{
	long f = -1, l = -1;
	for (unsigned long i = 0; i < n; i++) if (pclass(a + i * PG) == 'P') { if (f < 0) f = i; l = i; }
	if (f < 0) return "none";
	return fmt("pages %ld..%ld (offsets 0x%lx-0x%lx), pfns contiguous %d, first pfn %% 16 = %llu", f, l, f * PG, (l + 1) * PG, contig(a + f * PG, l - f + 1),
		   (unsigned long long)(PFN(pme(a + f * PG)) % 16));
}
static unsigned long fresh2m(int hugepage)
{
	xmmap(R, RLEN, PROT_NONE, PA | FX, -1, 0);
	xmmap(R, M2, RW, PA | FX, -1, 0);
	if (hugepage) xmadvise(R, M2, MADV_HUGEPAGE);
	return R;
}

int main(void)
{
	long r = 0;
	init_zero();
	printf("### faults and residency (THP settings: %s)\n", settings());
	reserve(2 * M2);
	/* learn the huge zero page pfn: two separate MADV_HUGEPAGE read faults that map the same 512 contiguous pfns */
	{
		xmmap(R, 2 * M2, RW, PA | FX, -1, 0);
		xmadvise(R, 2 * M2, MADV_HUGEPAGE);
		touchr(R, 1); touchr(R + M2, 1);
		uint64_t a = pme(R), b = pme(R + M2);
		if ((a & PM_PRESENT) && PFN(a) == PFN(b) && PFN(a) != ZPFN && contig(R, 512) && ahp_at(R) == 0) HZPFN = PFN(a);
		printf("\n(huge zero page detected: %s)\n", HZPFN ? "yes" : "no");
	}
	hdr(fmt("faults: %s; R = 2M-aligned, [R, R+2M) RW private anonymous", settings()));

	/* zero page */
	xmmap(R, RLEN, PROT_NONE, PA | FX, -1, 0);
	xmmap(R, 4 * PG, RW, PA | FX, -1, 0);
	touchr(R, 1); touchr(R + 2 * PG, 1);
	{
		uint64_t a = pme(R), b = pme(R + 2 * PG);
		fill(R + PG, 1, 'x');
		uint64_t c = pme(R + PG);
		rowI("fault-zero-page", "4-page RW VMA: read page 0, read page 2, write page 1", 0,
		     fmt("pagemap p0=0x%016llx p2=0x%016llx (same pfn: %d, = zero pfn: %d) p1=0x%016llx (pfn differs: %d, exclusive bit56: %d); residency %s",
			 (unsigned long long)a, (unsigned long long)b, PFN(a) == PFN(b), PFN(a) == ZPFN, (unsigned long long)c, PFN(c) != PFN(a), !!(c & PM_EXCL), resid(R, 4)));
		fill(R, 1, 'y');
		uint64_t d = pme(R);
		rowI("fault-zero-then-write", "then write page 0", 0, fmt("p0=0x%016llx (new pfn: %d); residency %s", (unsigned long long)d, PFN(d) != PFN(a), resid(R, 4)));
	}

	for (int hp = 0; hp < 2; hp++) {
		const char *h = hp ? " + MADV_HUGEPAGE" : "";
		fresh2m(hp);
		stats_begin();
		fill(R + 0x5000, 1, 'a');
		rowI(fmt("fault-write-1byte%s", hp ? "-hugepage" : ""), fmt("[0,2M) RW%s; write 1 byte at R+0x5000", h), 0,
		     fmt("present %d/512 (%s); AnonHugePages %ld kB; anon_fault_alloc delta %s; first 32 pages %s", npresent(R, 512, 1), span(R, 512), ahp_at(R), stats_delta(), resid(R, 32)));
		fresh2m(hp);
		stats_begin();
		touchr(R + 0x5000, 1);
		{
			uint64_t a = pme(R), b = pme(R + 0x5000), c = pme(R + 511 * PG);
			rowI(fmt("fault-read-1byte%s", hp ? "-hugepage" : ""), fmt("[0,2M) RW%s; read 1 byte at R+0x5000", h), 0,
			     fmt("present %d/512 (Z/H counted); residency %s; AnonHugePages %ld kB; anon_fault_alloc delta %s",
				 npresent(R, 512, 0), resid(R, 512), ahp_at(R), stats_delta()));
			(void)a; (void)b; (void)c;
			stats_begin();
			fill(R + 0x5000, 1, 'b');
			rowI(fmt("fault-read-then-write%s", hp ? "-hugepage" : ""), "then write 1 byte at R+0x5000", 0,
			     fmt("present non-zero %d/512 (%s); present incl. zero %d; AnonHugePages %ld kB; anon_fault_alloc delta %s; first 8 %s", npresent(R, 512, 1), span(R, 512), npresent(R, 512, 0), ahp_at(R), stats_delta(), resid(R, 8)));
		}
		/* partially populated 64K block: read page 3 (zero page), then write page 5 */
		fresh2m(hp);
		touchr(R + 3 * PG, 1);
		stats_begin();
		fill(R + 5 * PG, 1, 'c');
		rowI(fmt("fault-write-near-zeropte%s", hp ? "-hugepage" : ""), fmt("[0,2M) RW%s; read page 3, then write page 5", h), 0,
		     fmt("present non-zero %d (%s); first 16 %s; AnonHugePages %ld kB; anon_fault_alloc delta %s", npresent(R, 512, 1), span(R, 512), resid(R, 16), ahp_at(R), stats_delta()));
		/* VMA too small / misaligned for 64K at the fault address */
		xmmap(R, RLEN, PROT_NONE, PA | FX, -1, 0);
		xmmap(R + 0x2000, 0x1c000, RW, PA | FX, -1, 0);
		if (hp) xmadvise(R + 0x2000, 0x1c000, MADV_HUGEPAGE);
		stats_begin();
		fill(R + 0x3000, 1, 'd');
		fill(R + 0x15000, 1, 'e');
		rowI(fmt("fault-write-small-vma%s", hp ? "-hugepage" : ""), fmt("VMA [0x2000,0x1e000) RW%s; write at R+0x3000 (64K block [0,0x10000) not inside VMA) and R+0x15000 (block [0x10000,0x20000) not inside)", h), 0,
		     fmt("residency of [0,0x20000): %s; anon_fault_alloc delta %s", resid(R, 32), stats_delta()));
		xmmap(R, RLEN, PROT_NONE, PA | FX, -1, 0);
		xmmap(R, 0x40000, RW, PA | FX, -1, 0);
		if (hp) xmadvise(R, 0x40000, MADV_HUGEPAGE);
		stats_begin();
		fill(R + 0x25000, 1, 'f');
		rowI(fmt("fault-write-256K-vma%s", hp ? "-hugepage" : ""), fmt("VMA [0,0x40000) RW%s; write at R+0x25000", h), 0,
		     fmt("present %d (%s); anon_fault_alloc delta %s", npresent(R, 64, 1), span(R, 64), stats_delta()));
	}

	/* MADV_COLLAPSE under this setting */
	fresh2m(0);
	fill(R, 1, 'a');
	r = xmadvise(R, M2, 25);
	rowI("collapse-1page", "[0,2M) RW, 1 page written; madvise(R, 2M, MADV_COLLAPSE)", r, fmt("AnonHugePages %ld kB; present %d/512", ahp_at(R), npresent(R, 512, 1)));
	/* PMD THP split by a VMA split at an unaligned address (DONTFORK/DOFORK trick) */
	fresh2m(1);
	fill(R, 1, 'a');
	{
		long before = ahp_at(R);
		xmadvise(R + 0x10000, 0x10000, MADV_DONTFORK);
		const char *lay1 = layout(R, M2);
		xmadvise(R + 0x10000, 0x10000, MADV_DOFORK);
		rowI("thp-split-by-dontfork", "[0,2M) RW MADV_HUGEPAGE, 1 byte written; madvise(R+0x10000, 0x10000, DONTFORK) then DOFORK", 0,
		     fmt("AnonHugePages before %ld kB; after DONTFORK %s; after DOFORK %s, AnonHugePages %ld kB, present %d/512, pfns contiguous %d", before, lay1, layout(R, M2), ahp_at(R), npresent(R, 512, 1), contig(R, 512)));
	}
	release();
	return 0;
}
