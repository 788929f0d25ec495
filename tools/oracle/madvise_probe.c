#include "common.h"

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
