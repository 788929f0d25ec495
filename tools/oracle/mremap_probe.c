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

/* mremap_probe.c: mremap(2) validation, in-place resize, moves, DONTUNMAP, multi-VMA moves, merging. */

#define MM MREMAP_MAYMOVE
#define MF MREMAP_FIXED
#define MD MREMAP_DONTUNMAP

/* region layout helper: R is 64 pages (0x40000); returns to all PROT_NONE, then maps [off, off+len) RW */
static void clean(void) { xmmap(R, RLEN, PROT_NONE, PA | FX, -1, 0); }
static void rwmap(unsigned long off, unsigned long len, char tag)
{
	xmmap(R + off, len, RW, PA | FX, -1, 0);
	if (tag) fill(R + off, len / PG, tag);
}
static void hole(unsigned long off, unsigned long len) { xmunmap(R + off, len); }

int main(void)
{
	long r;
	init_zero();
	printf("### mremap (raw syscall(SYS_mremap); R = 2M-aligned region of 0x40000 bytes, PROT_NONE except where stated; MM = MAYMOVE, MF = FIXED, MD = DONTUNMAP; 'written' = every page written with a tag letter, data shows the first byte of each page, 0 = zero)\n");
	reserve(64 * PG);

	hdr("mremap: parameter validation (source [0,0x4000) RW written unless stated)");
	clean(); rwmap(0, 4 * PG, 'a');
	static const struct { unsigned long a, ol, nl, f, na; const char *call; } v[] = {
		{ 0, 0x4000, 0x4000, 0x8, 0, "mremap(R, 0x4000, 0x4000, 0x8, 0)" },
		{ 0, 0x4000, 0x4000, 0x10, 0, "mremap(R, 0x4000, 0x4000, 0x10, 0)" },
		{ 0, 0x4000, 0x8000, MM | 0x100, 0, "mremap(R, 0x4000, 0x8000, MM|0x100, 0)" },
		{ 0x10, 0x1000, 0x1000, MM, 0, "mremap(R+0x10, 0x1000, 0x1000, MM, 0)" },
		{ 0, 0x4000, 0, MM, 0, "mremap(R, 0x4000, 0, MM, 0)" },
		{ 0, 0x4000, 1, 0, 0, "mremap(R, 0x4000, 1, 0, 0) (new_len rounds to 1 page: shrink)" },
		{ 0, 0, 0x4000, MM, 0, "mremap(R, 0, 0x4000, MM, 0) (old_len 0, private)" },
		{ 0, 0, 0x4000, 0, 0, "mremap(R, 0, 0x4000, 0, 0) (old_len 0, private, no MM)" },
		{ 0, 0x4000, 0x4000, MF, 0x20000, "mremap(R, 0x4000, 0x4000, MF, R+0x20000)" },
		{ 0, 0x4000, 0x4000, MD, 0x20000, "mremap(R, 0x4000, 0x4000, MD, R+0x20000)" },
		{ 0, 0x4000, 0x8000, MM | MD, 0x20000, "mremap(R, 0x4000, 0x8000, MM|MD, R+0x20000)" },
		{ 0, 0x4000, 0x2000, MM | MD, 0x20000, "mremap(R, 0x4000, 0x2000, MM|MD, R+0x20000)" },
		{ 0, 0x4000, 0x4000, MM | MF, 0x2000, "mremap(R, 0x4000, 0x4000, MM|MF, R+0x2000) (overlap)" },
		{ 0, 0x4000, 0x4000, MM | MF, 0, "mremap(R, 0x4000, 0x4000, MM|MF, R) (same address)" },
		{ 0, 0x4000, 0x8000, MM | MF, 0x4000, "mremap(R, 0x4000, 0x8000, MM|MF, R+0x4000) (adjacent, no overlap)" },
		{ 0x4000, 0x4000, 0x4000, MM | MF, 0, "mremap(R+0x4000, 0x4000, 0x4000, MM|MF, R) (src PROT_NONE VMA)" },
		{ 0, 0x4000, 0x4000, MM | MF, 0x20010, "mremap(R, 0x4000, 0x4000, MM|MF, R+0x20010)" },
		{ 0, 0x4000, 0x4000, MM | MD, 0x20010, "mremap(R, 0x4000, 0x4000, MM|MD, R+0x20010) (unaligned hint)" },
		{ 0, 0x4000, TASK_SIZE_X86 + PG, MM, 0, "mremap(R, 0x4000, TASK_SIZE+0x1000, MM, 0)" },
		{ 0, 0x4000, 1UL << 46, MM, 0, "mremap(R, 0x4000, 1<<46, MM, 0)" },
		{ 0, 0x4000, 0x4000, MM | MF, 0, "mremap(R, 0x4000, 0x4000, MM|MF, 0x7ffffffff000) (new_addr+len > TASK_SIZE)" },
		{ 0, 0x4000, -4096UL, MM, 0, "mremap(R, 0x4000, 0xfffffffffffff000, MM, 0)" },
		{ 0, -4096UL, 0x4000, MM, 0, "mremap(R, 0xfffffffffffff000, 0x4000, MM, 0) (huge old_len, shrink)" },
		{ 0, -1UL, 0x4000, MM, 0, "mremap(R, 0xffffffffffffffff, 0x4000, MM, 0) (old_len PAGE_ALIGN wraps to 0)" },
		{ 0x40000, 0x1000, 0x1000, MM, 0, "mremap(R+0x40000 (unmapped), 0x1000, 0x1000, MM, 0)" },
		{ 0x40000, 0x1000, 0x2000, MM, 0, "mremap(R+0x40000 (unmapped), 0x1000, 0x2000, MM, 0)" },
		{ 0x40000, 0x1000, 0x1000, 0, 0, "mremap(R+0x40000 (unmapped), 0x1000, 0x1000, 0, 0) (no-op size)" },
	};
	for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
		clean(); rwmap(0, 4 * PG, 'a');
		unsigned long na = v[i].na ? R + v[i].na : 0;
		if (strstr(v[i].call, "0x7ffffffff000")) na = TASK_SIZE_X86;
		if (strstr(v[i].call, ", R)")) na = R;
		r = xmremap(R + v[i].a, v[i].ol, v[i].nl, v[i].f, na);
		rowA(fmt("mremap-val-%02u", i), v[i].call, r, fmt("%s%s", layout(R, RLEN), (r != -1 && (unsigned long)r - R >= RLEN) ? fmt("; new VMA at ret: %s", layout(r, PG)) : ""));
		drop(r, v[i].nl > (1UL << 40) ? 0 : v[i].nl);
	}
	/* old_len 0 on a shared anonymous mapping (the "duplicate" hack) */
	clean();
	xmmap(R, 4 * PG, RW, MAP_SHARED | MAP_ANONYMOUS | FX, -1, 0);
	fill(R, 4, 's');
	r = xmremap(R, 0, 0x4000, MM | MF, R + 0x20000);
	rowA("mremap-oldlen0-shared", "shared anon [0,0x4000) written; mremap(R, 0, 0x4000, MM|MF, R+0x20000)", r, fmt("%s; data at new: %s (same shared pages)", layout(R, RLEN), r == -1 ? "" : peek(r, 4)));
	clean();

	hdr("mremap: source ranges that are not (fully) mapped; A = [0,0x4000) RW 'a', hole [0x4000,0x8000), B = [0x8000,0xc000) RW 'b'");
	static const struct { unsigned long a, ol, nl, f, na; const char *call; } h[] = {
		{ 0, 0xc000, 0x2000, 0, 0, "mremap(R, 0xc000, 0x2000, 0, 0) (shrink)" },
		{ 0, 0xc000, 0x6000, 0, 0, "mremap(R, 0xc000, 0x6000, 0, 0) (shrink, new end inside hole)" },
		{ 0, 0xc000, 0xa000, 0, 0, "mremap(R, 0xc000, 0xa000, 0, 0) (shrink, new end inside B)" },
		{ 0, 0xc000, 0x10000, 0, 0, "mremap(R, 0xc000, 0x10000, 0, 0) (grow)" },
		{ 0, 0xc000, 0x10000, MM, 0, "mremap(R, 0xc000, 0x10000, MM, 0) (grow)" },
		{ 0, 0xc000, 0xc000, 0, 0, "mremap(R, 0xc000, 0xc000, 0, 0) (same size)" },
		{ 0, 0xc000, 0xc000, MM, 0, "mremap(R, 0xc000, 0xc000, MM, 0) (same size)" },
		{ 0, 0xc000, 0xc000, MM | MF, 0x20000, "mremap(R, 0xc000, 0xc000, MM|MF, R+0x20000) (move, multi-VMA)" },
		{ 0, 0xc000, 0x2000, MM | MF, 0x20000, "mremap(R, 0xc000, 0x2000, MM|MF, R+0x20000) (shrink+move)" },
		{ 0, 0xc000, 0x6000, MM | MF, 0x20000, "mremap(R, 0xc000, 0x6000, MM|MF, R+0x20000) (shrink+move, new end in hole)" },
		{ 0, 0xc000, 0x10000, MM | MF, 0x20000, "mremap(R, 0xc000, 0x10000, MM|MF, R+0x20000) (grow+move)" },
		{ 0, 0xc000, 0xc000, MM | MD, 0x20000, "mremap(R, 0xc000, 0xc000, MM|MD, R+0x20000) (dontunmap)" },
		{ 0x4000, 0x8000, 0x8000, MM | MF, 0x20000, "mremap(R+0x4000, 0x8000, 0x8000, MM|MF, R+0x20000) (hole at start)" },
		{ 0x4000, 0x8000, 0x2000, 0, 0, "mremap(R+0x4000, 0x8000, 0x2000, 0, 0) (hole at start, shrink)" },
		{ 0x2000, 0x4000, 0x4000, MM | MF, 0x20000, "mremap(R+0x2000, 0x4000, 0x4000, MM|MF, R+0x20000) (hole at end)" },
		{ 0x2000, 0x4000, 0x2000, MM | MF, 0x20000, "mremap(R+0x2000, 0x4000, 0x2000, MM|MF, R+0x20000) (hole at end, shrink to mapped part)" },
	};
	for (unsigned i = 0; i < sizeof h / sizeof h[0]; i++) {
		clean(); rwmap(0, 0x4000, 'a'); hole(0x4000, 0x4000); rwmap(0x8000, 0x4000, 'b'); hole(0xc000, 0x4000);
		r = xmremap(R + h[i].a, h[i].ol, h[i].nl, h[i].f, h[i].na ? R + h[i].na : 0);
		const char *extra = "";
		if (r != -1 && (unsigned long)r >= R + 0x20000 && (unsigned long)r < R + RLEN)
			extra = fmt("; data at new: %s", peek(r, h[i].nl / PG > 3 ? 3 : h[i].nl / PG));
		rowA(fmt("mremap-hole-%02u", i), h[i].call, r, fmt("%s%s", layout(R, RLEN), extra));
		drop(r, h[i].nl);
	}
	/* multi-VMA move with a hole in the middle: does the destination reproduce the hole? */
	clean(); rwmap(0, 0x4000, 'a'); hole(0x4000, 0x4000); rwmap(0x8000, 0x4000, 'b'); hole(0xc000, 0x4000);
	xmunmap(R + 0x20000, 0x20000);
	r = xmremap(R, 0xc000, 0xc000, MM | MF, R + 0x20000);
	rowA("mremap-multi-hole-into-empty", "destination [0x20000,0x40000) unmapped; mremap(R, 0xc000, 0xc000, MM|MF, R+0x20000)", r,
	     fmt("%s; destination hole [0x24000,0x28000) residency %s", layout(R, RLEN), resid(R + 0x24000, 4)));
	if (r != -1) rowA("", "(data at R+0x20000.., 4 pages each side)", r, fmt("%s %s", peek(R + 0x20000, 4), peek(R + 0x28000, 4)));
	/* multi-VMA move of two adjacent VMAs with different protections */
	clean(); rwmap(0, 0x4000, 'a'); xmmap(R + 0x4000, 0x4000, PROT_READ, PA | FX, -1, 0);
	r = xmremap(R, 0x8000, 0x8000, MM | MF, R + 0x20000);
	rowA("mremap-multi-adjacent", "[0,0x4000) RW, [0x4000,0x8000) READ; mremap(R, 0x8000, 0x8000, MM|MF, R+0x20000)", r, layout(R, RLEN));
	/* partial first and last VMA */
	clean(); rwmap(0, 0x4000, 'a'); hole(0x4000, 0x4000); rwmap(0x8000, 0x4000, 'b');
	r = xmremap(R + 0x2000, 0x8000, 0x8000, MM | MF, R + 0x20000);
	rowA("mremap-multi-partial-ends", "A [0,0x4000), hole, B [0x8000,0xc000); mremap(R+0x2000, 0x8000, 0x8000, MM|MF, R+0x20000)", r, layout(R, RLEN));
	/* multi-VMA move where one VMA is not anonymous-private (memfd shared) */
	{
		int fd = memfd_create("oracle", 0); if (ftruncate(fd, 0x4000)) perror("ftruncate");
		clean(); rwmap(0, 0x4000, 'a'); xmmap(R + 0x4000, 0x4000, RW, MAP_SHARED | FX, fd, 0);
		r = xmremap(R, 0x8000, 0x8000, MM | MF, R + 0x20000);
		rowA("mremap-multi-anon+memfd", "[0,0x4000) anon RW, [0x4000,0x8000) memfd SHARED; mremap(R, 0x8000, 0x8000, MM|MF, R+0x20000)", r, layout(R, RLEN));
		close(fd);
	}

	hdr("mremap: in-place resize");
	clean(); rwmap(0, 0x4000, 'a');
	r = xmremap(R, 0x4000, 0x8000, 0, 0);
	rowA("mremap-grow-blocked", "[0,0x4000) RW, PROT_NONE after; mremap(R, 0x4000, 0x8000, 0, 0)", r, layout(R, RLEN));
	r = xmremap(R, 0x4000, 0x8000, MM, 0);
	rowA("mremap-grow-blocked-maymove", "mremap(R, 0x4000, 0x8000, MM, 0)", r, fmt("%s; ret mod 2M = 0x%lx; new: %s data %s", layout(R, RLEN), r % M2, layout(r, 0x8000), peek(r, 8)));
	drop(r, 0x8000);
	clean(); rwmap(0, 0x4000, 'a'); hole(0x4000, 0x4000);
	r = xmremap(R, 0x4000, 0x8000, 0, 0);
	{
		const char *res = resid(R, 8);
		rowA("mremap-grow-into-hole", "[0,0x4000) RW written, hole [0x4000,0x8000); mremap(R, 0x4000, 0x8000, 0, 0)", r, fmt("%s residency %s data %s", layout(R, RLEN), res, peek(R, 8)));
	}
	for (int t = 0; t < 4; t++) {
		/* t=0: both untouched, 1: A written, 2: B written, 3: both written */
		clean(); rwmap(0, 0x4000, (t & 1) ? 'a' : 0); hole(0x4000, 0x4000); rwmap(0x8000, 0x4000, (t & 2) ? 'b' : 0);
		r = xmremap(R, 0x4000, 0x8000, 0, 0);
		static const char *tn[] = { "A, B untouched", "A written, B untouched", "A untouched, B written", "A, B written" };
		rowA(fmt("mremap-grow-to-adjacent-%d", t), fmt("A=[0,0x4000) RW, hole, B=[0x8000,0xc000) RW (%s); mremap(R, 0x4000, 0x8000, 0, 0)", tn[t]), r, layout(R, RLEN));
	}
	clean(); rwmap(0, 0x4000, 'a'); hole(0x4000, 0x4000); xmmap(R + 0x8000, 0x4000, PROT_READ, PA | FX, -1, 0);
	r = xmremap(R, 0x4000, 0x8000, 0, 0);
	rowA("mremap-grow-to-adjacent-diffprot", "A=[0,0x4000) RW, hole, B READ; mremap(R, 0x4000, 0x8000, 0, 0)", r, layout(R, RLEN));
	clean(); rwmap(0, 0x4000, 'a'); hole(0x4000, 0x4000);
	r = xmremap(R, 0x4000, 0x6000, 0, 0);
	rowA("mremap-grow-partial-hole", "A=[0,0x4000) RW, hole [0x4000,0x8000); mremap(R, 0x4000, 0x6000, 0, 0)", r, layout(R, RLEN));
	clean(); rwmap(0, 0x10000, 'a');
	r = xmremap(R, 0x10000, 0x4000, 0, 0);
	rowA("mremap-shrink", "[0,0x10000) RW written; mremap(R, 0x10000, 0x4000, 0, 0)", r, fmt("%s residency %s", layout(R, RLEN), resid(R, 16)));
	clean(); rwmap(0, 0x10000, 'a');
	r = xmremap(R, 0x4000, 0x2000, 0, 0);
	rowA("mremap-shrink-prefix", "[0,0x10000) RW; mremap(R, 0x4000, 0x2000, 0, 0) (range ends inside VMA)", r, layout(R, RLEN));
	clean(); rwmap(0, 0x10000, 'a');
	r = xmremap(R + 0x4000, 0x4000, 0x8000, 0, 0);
	rowA("mremap-grow-middle", "[0,0x10000) RW; mremap(R+0x4000, 0x4000, 0x8000, 0, 0) (range ends inside VMA)", r, layout(R, RLEN));
	r = xmremap(R + 0x4000, 0x4000, 0x8000, MM, 0);
	rowA("mremap-grow-middle-maymove", "mremap(R+0x4000, 0x4000, 0x8000, MM, 0)", r, fmt("%s; new %s data %s", layout(R, RLEN), layout(r, 0x8000), peek(r, 8)));
	drop(r, 0x8000);
	clean(); rwmap(0, 0x4000, 'a');
	r = xmremap(R, 0x4000, 0x4000, 0, 0);
	rowA("mremap-same-size", "[0,0x4000) RW; mremap(R, 0x4000, 0x4000, 0, 0)", r, layout(R, RLEN));

	hdr("mremap: moves");
	clean(); rwmap(0, 0x4000, 'a');
	r = xmremap(R, 0x4000, 0x4000, MM | MF, R + 0x20000);
	rowA("mremap-move-fixed-over-protnone", "[0,0x4000) RW written; mremap(R, 0x4000, 0x4000, MM|MF, R+0x20000) (dest inside PROT_NONE)", r, fmt("%s data %s", layout(R, RLEN), peek(R + 0x20000, 4)));
	clean(); rwmap(0, 0x4000, 'a'); rwmap(0x20000, 0x8000, 'z');
	r = xmremap(R, 0x4000, 0x4000, MM | MF, R + 0x22000);
	rowA("mremap-move-fixed-over-mapping", "[0,0x4000) 'a', [0x20000,0x28000) RW 'z'; mremap(R, 0x4000, 0x4000, MM|MF, R+0x22000)", r, fmt("%s data %s", layout(R, RLEN), peek(R + 0x20000, 8)));
	clean(); rwmap(0, 0x4000, 'a');
	r = xmremap(R, 0x4000, 0x8000, MM | MF, R + 0x20000);
	{
		const char *res = resid(R + 0x20000, 8);
		rowA("mremap-move-fixed-grow", "[0,0x4000) 'a'; mremap(R, 0x4000, 0x8000, MM|MF, R+0x20000)", r, fmt("%s residency %s data %s", layout(R, RLEN), res, peek(R + 0x20000, 8)));
	}
	clean(); rwmap(0, 0x4000, 'a');
	r = xmremap(R, 0x4000, 0x4000, MM | MD, 0);
	{
		const char *lay = layout(R, RLEN), *res0 = resid(R, 4), *nl = layoutf(r, 0x4000), *nres = resid(r, 4), *nd = peek(r, 4);
		const char *sd = peek(R, 4), *res1 = resid(R, 4);
		rowA("mremap-dontunmap", "[0,0x4000) RW 'a'; mremap(R, 0x4000, 0x4000, MM|MD, 0)", r,
		     fmt("%s; src residency %s, src data after read %s, src residency after read %s; new %s residency %s data %s", lay, res0, sd, res1, nl, nres, nd));
	}
	drop(r, 0x4000);
	clean(); rwmap(0, 0x4000, 'a');
	r = xmremap(R, 0x4000, 0x4000, MM | MD, R + 0x20000);
	rowA("mremap-dontunmap-hint", "[0,0x4000) RW 'a'; mremap(R, 0x4000, 0x4000, MM|MD, R+0x20000) (hint inside PROT_NONE)", r, fmt("%s", layout(R, RLEN)));
	drop(r, 0x4000);
	clean(); rwmap(0, 0x4000, 'a'); hole(0x20000, 0x8000);
	r = xmremap(R, 0x4000, 0x4000, MM | MD, R + 0x20000);
	rowA("mremap-dontunmap-hint-free", "[0,0x4000) RW 'a', [0x20000,0x28000) free; mremap(R, 0x4000, 0x4000, MM|MD, R+0x20000)", r, fmt("%s", layout(R, RLEN)));
	drop(r, 0x4000);
	clean(); rwmap(0, 0x10000, 'a');
	r = xmremap(R + 0x4000, 0x4000, 0x4000, MM | MD, R + 0x20000);
	rowA("mremap-dontunmap-part", "[0,0x10000) RW 'a'; mremap(R+0x4000, 0x4000, 0x4000, MM|MD, R+0x20000) (hint inside PROT_NONE)", r, fmt("%s", layoutf(R, RLEN)));
	drop(r, 0x4000);
	clean(); rwmap(0, 0x10000, 'a');
	r = xmremap(R + 0x4000, 0x4000, 0x4000, MM | MD | MF, R + 0x20000);
	rowA("mremap-dontunmap-fixed-part", "[0,0x10000) RW 'a'; mremap(R+0x4000, 0x4000, 0x4000, MM|MD|MF, R+0x20000)", r, fmt("%s; src data %s", layoutf(R, RLEN), peek(R, 16)));
	clean(); rwmap(0, 0x4000, 'a');
	{
		unsigned long before = R;
		r = xmremap(R, 0x4000, 0x4000, MM, 0);
		rowA("mremap-maymove-same-size", "[0,0x4000) RW; mremap(R, 0x4000, 0x4000, MM, 0)", r, r == (long)before ? "no move" : "moved");
	}
	/* relocation of blocked growth: where does the new range go? */
	{
		static const unsigned long ol[] = { 0x10000, M2, M2, 0x10000 }, nl[] = { 0x20000, 2 * M2, M2 + 0x1000, M2 };
		static const char *nm[] = { "64K->128K", "2M->4M", "2M->2M+4K", "64K->2M" };
		for (int i = 0; i < 4; i++) {
			unsigned long base = reserve(4 * M2);
			xmunmap(base, 4 * M2);
			xmmap(base, ol[i], RW, PA | FX, -1, 0);
			fill(base, ol[i] / PG, 'a');
			xmmap(base + ol[i], PG, PROT_NONE, PA | FX, -1, 0); /* blocker */
			r = xmremap(base, ol[i], nl[i], MM, 0);
			rowA(fmt("mremap-relocate-%s", nm[i]), fmt("R..R+%#lx RW written, PROT_NONE page right after; mremap(R, %#lx, %#lx, MM, 0)", ol[i], ol[i], nl[i]), r,
			     fmt("ret mod 2M = 0x%lx; new %s; AnonHugePages of new VMA = %ld kB", r % M2, layout(r, nl[i]), (getvmas(r, r + 1), V[0].ahp)));
			xmunmap(r, nl[i]);
			xmunmap(base, 4 * M2);
		}
		reserve(64 * PG);
	}

	hdr("mremap: pgoff and merging at the destination (D = destination neighbour)");
	for (int t = 0; t < 4; t++) {
		/* t bit0: source written; bit1: neighbour written */
		clean(); rwmap(0, 0x4000, (t & 1) ? 'a' : 0); rwmap(0x20000, 0x4000, (t & 2) ? 'd' : 0); hole(0x24000, 0x4000);
		r = xmremap(R, 0x4000, 0x4000, MM | MF, R + 0x24000);
		static const char *tn[] = { "src untouched, D untouched", "src written, D untouched", "src untouched, D written", "src written, D written" };
		rowA(fmt("mremap-merge-after-D-%d", t), fmt("D=[0x20000,0x24000) RW; src [0,0x4000) RW (%s); mremap(R, 0x4000, 0x4000, MM|MF, R+0x24000)", tn[t]), r, layout(R + 0x20000, 0x20000));
	}
	for (int t = 0; t < 2; t++) {
		clean(); rwmap(0, 0x4000, t ? 'a' : 0); hole(0x20000, 0x20000);
		r = xmremap(R, 0x4000, 0x4000, MM | MF, R + 0x24000);
		r = xmmap(R + 0x28000, 0x4000, RW, PA | FX, -1, 0);
		rowA(fmt("mremap-fresh-after-moved-%d", t), fmt("src [0,0x4000) RW %s moved to R+0x24000; then mmap(R+0x28000, 0x4000, RW, PA|FIXED)", t ? "written" : "untouched"), r, layout(R + 0x20000, 0x20000));
		r = xmmap(R + 0x20000, 0x4000, RW, PA | FX, -1, 0);
		rowA(fmt("mremap-fresh-before-moved-%d", t), "then mmap(R+0x20000, 0x4000, RW, PA|FIXED)", r, layout(R + 0x20000, 0x20000));
	}
	/* move back to the original place: pgoff matches again */
	clean(); rwmap(0, 0x8000, 'a');
	r = xmremap(R + 0x4000, 0x4000, 0x4000, MM | MF, R + 0x20000);
	r = xmremap(R + 0x20000, 0x4000, 0x4000, MM | MF, R + 0x4000);
	rowA("mremap-move-back", "[0,0x8000) written; move [0x4000,0x8000) to R+0x20000 and back", r, layout(R, RLEN));
	release();
	return 0;
}
