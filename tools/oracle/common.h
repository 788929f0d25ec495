/* Helpers shared by every probe: mapping a private region, reading /proc/self/smaps and pagemap, formatting. */
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
