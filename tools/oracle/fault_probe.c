#include "common.h"

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
