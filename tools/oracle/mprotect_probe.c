#include "common.h"

/* mprotect_probe.c: mprotect(2) validation, holes, split and merge. */

static void fresh(int touch)
{
	xmmap(R, RLEN, PROT_NONE, PA | FX, -1, 0);
	xmmap(R, 16 * PG, RW, PA | FX, -1, 0);
	if (touch) fill(R, 16, 'a');
}

int main(void)
{
	long r;
	init_zero();
	printf("### mprotect (raw syscall(SYS_mprotect); R = 2M-aligned region; unless stated [0,0x10000) is RW anonymous and the rest of the region PROT_NONE)\n");
	hdr("mprotect: validation");
	reserve(32 * PG);
	fresh(1);
	r = xmprotect(R + 0x10, PG, PROT_READ);
	rowI("mprotect-unaligned", "mprotect(R+0x10, 0x1000, READ)", r, layout(R, RLEN));
	r = xmprotect(R, 0, PROT_READ);
	rowI("mprotect-len0", "mprotect(R, 0, READ)", r, layout(R, RLEN));
	r = xmprotect(R + 0x10, 0, PROT_READ);
	rowI("mprotect-len0-unaligned", "mprotect(R+0x10, 0, READ)", r, "");
	r = xmprotect(R, 0, 0x10);
	rowI("mprotect-len0-badprot", "mprotect(R, 0, 0x10)", r, "");
	r = xmprotect(0x800000000000UL, 0, PROT_READ);
	rowI("mprotect-len0-above-tasksize", "mprotect(0x800000000000, 0, READ)", r, "");
	r = xmprotect(R, 1, PROT_READ);
	rowI("mprotect-len1", "mprotect(R, 1, READ)", r, fmt("rounded up to a page: %s", layout(R, RLEN)));
	fresh(1);
	static const unsigned long bad[] = { 0x8, 0x10, 0x20, 0x40, 0x100, 0x80000000UL, 0x1000000, 0x2000000, 0x3000000, 0x1000000 | 0x10 };
	static const char *bn[] = { "RW|0x8 (PROT_SEM)", "RW|0x10", "RW|0x20", "RW|0x40", "RW|0x100", "RW|0x80000000", "READ|PROT_GROWSDOWN", "READ|PROT_GROWSUP", "READ|GROWSDOWN|GROWSUP", "READ|GROWSDOWN|0x10" };
	for (int i = 0; i < 10; i++) {
		unsigned long p = bad[i] | (i < 6 ? RW : PROT_READ);
		r = xmprotect(R + 8 * PG, PG, p);
		rowI(fmt("mprotect-prot-%d", i), fmt("mprotect(R+0x8000, 0x1000, %s)", bn[i]), r, layout(R, RLEN));
		fresh(1);
	}
	r = xmprotect(R, -4096UL, PROT_READ);
	rowI("mprotect-overflow", "mprotect(R, 0xfffffffffffff000, READ)", r, layout(R, RLEN));
	r = xmprotect(R, -1UL, PROT_READ);
	rowI("mprotect-len--1", "mprotect(R, 0xffffffffffffffff, READ) (PAGE_ALIGN wraps to 0)", r, layout(R, RLEN));
	r = xmprotect(0x800000000000UL, PG, PROT_READ);
	rowI("mprotect-above-tasksize", "mprotect(0x800000000000, 0x1000, READ)", r, "");
	r = xmprotect(TASK_SIZE_X86 - PG, 2 * PG, PROT_READ);
	rowI("mprotect-cross-tasksize", "mprotect(0x7fffffffe000, 0x2000, READ) (nothing mapped)", r, "");
	release();

	hdr("mprotect: GROWSDOWN");
	reserve(32 * PG);
	xmmap(R + 8 * PG, 8 * PG, RW, PA | FX | MAP_GROWSDOWN, -1, 0);
	r = xmprotect(R + 12 * PG, PG, PROT_READ | 0x01000000);
	rowI("mprotect-growsdown-ok", "[0x8000,0x10000) RW MAP_GROWSDOWN; mprotect(R+0xc000, 0x1000, READ|PROT_GROWSDOWN)", r, fmt("applies from vm_start: %s", layoutf(R + 8 * PG, 8 * PG)));
	r = xmprotect(R + 20 * PG, PG, PROT_READ | 0x01000000);
	rowI("mprotect-growsdown-notgd", "mprotect(R+0x14000 (plain PROT_NONE VMA), 0x1000, READ|PROT_GROWSDOWN)", r, layout(R, RLEN));
	r = xmprotect(R + 12 * PG, PG, PROT_READ | 0x02000000);
	rowI("mprotect-growsup-on-gd", "mprotect(R+0xc000, 0x1000, READ|PROT_GROWSUP)", r, "");
	release();

	hdr("mprotect: holes (A = [0,0x4000) RW, hole [0x4000,0x8000), B = [0x8000,0xc000) RW, hole from 0xc000; all written)");
	reserve(16 * PG);
	for (int c = 0; c < 5; c++) {
		xmmap(R, 16 * PG, RW, PA | FX, -1, 0);
		fill(R, 16, 'a');
		xmunmap(R + 4 * PG, 4 * PG);
		xmunmap(R + 12 * PG, 4 * PG);
		static const unsigned long st[] = { 0x4000, 0x0, 0x8000, 0x2000, 0x0 }, ln[] = { 0x8000, 0xc000, 0x8000, 0x8000, 0x10000 };
		static const char *nm[] = { "hole-at-start", "hole-in-middle", "hole-at-end", "partial-A-hole-partial-B", "holes-middle-and-end" };
		r = xmprotect(R + st[c], ln[c], PROT_READ);
		rowI(fmt("mprotect-%s", nm[c]), fmt("mprotect(R+0x%lx, 0x%lx, READ)", st[c], ln[c]), r, layout(R, RLEN));
	}
	xmmap(R, 16 * PG, RW, PA | FX, -1, 0);
	xmunmap(R + 12 * PG, 4 * PG);
	r = xmprotect(R + 8 * PG, 8 * PG, PROT_READ);
	rowI("mprotect-untouched-hole-at-end", "[0,0xc000) RW untouched, hole [0xc000,0x10000); mprotect(R+0x8000, 0x8000, READ)", r, layoutf(R, RLEN));
	release();

	hdr("mprotect: split and merge");
	reserve(32 * PG);
	for (int touch = 0; touch < 2; touch++) {
		const char *t = touch ? "written" : "untouched";
		fresh(touch);
		r = xmprotect(R + 4 * PG, 4 * PG, PROT_READ);
		rowI(fmt("mprotect-split-middle-%s", t), fmt("[0,0x10000) RW %s; mprotect(R+0x4000, 0x4000, READ)", t), r, layoutf(R, 16 * PG));
		r = xmprotect(R + 4 * PG, 4 * PG, RW);
		rowI(fmt("mprotect-merge-back-%s", t), "mprotect(R+0x4000, 0x4000, RW)", r, layoutf(R, 16 * PG));
		r = xmprotect(R + 4 * PG, 2 * PG, PROT_READ);
		r = xmprotect(R + 6 * PG, 2 * PG, PROT_READ);
		rowI(fmt("mprotect-adjacent-pieces-%s", t), "mprotect(R+0x4000, 0x2000, READ); mprotect(R+0x6000, 0x2000, READ)", r, layout(R, 16 * PG));
		r = xmprotect(R + 5 * PG, 2 * PG, RW);
		rowI(fmt("mprotect-middle-of-piece-%s", t), "mprotect(R+0x5000, 0x2000, RW)", r, layout(R, 16 * PG));
		r = xmprotect(R, 16 * PG, RW);
		rowI(fmt("mprotect-whole-%s", t), "mprotect(R, 0x10000, RW)", r, layout(R, 16 * PG));
		r = xmprotect(R, 4 * PG, PROT_READ);
		rowI(fmt("mprotect-head-%s", t), "mprotect(R, 0x4000, READ)", r, layout(R, 16 * PG));
		r = xmprotect(R + 12 * PG, 4 * PG, PROT_READ);
		rowI(fmt("mprotect-tail-%s", t), "mprotect(R+0xc000, 0x4000, READ)", r, layout(R, 16 * PG));
		r = xmprotect(R, 16 * PG, RW);
		rowI(fmt("mprotect-whole-again-%s", t), "mprotect(R, 0x10000, RW)", r, layoutf(R, 16 * PG));
	}
	/* PROT_NONE reservation turned RW piecewise */
	xmmap(R, RLEN, PROT_NONE, PA | FX, -1, 0);
	r = xmprotect(R, 4 * PG, RW);
	rowI("mprotect-none-to-rw-1", "region all PROT_NONE; mprotect(R, 0x4000, RW)", r, layoutf(R, 16 * PG));
	r = xmprotect(R + 4 * PG, 4 * PG, RW);
	rowI("mprotect-none-to-rw-2", "mprotect(R+0x4000, 0x4000, RW)", r, layoutf(R, 16 * PG));
	/* RW mmap next to an mprotect()ed-to-RW piece */
	xmmap(R, RLEN, PROT_NONE, PA | FX, -1, 0);
	r = xmprotect(R, 4 * PG, RW);
	r = xmmap(R + 4 * PG, 4 * PG, RW, PA | FX, -1, 0);
	rowA("mprotect-rw-piece-then-mmap-rw", "region PROT_NONE; mprotect(R, 0x4000, RW); mmap(R+0x4000, 0x4000, RW, PA|FIXED)", r, layoutf(R, 16 * PG));
	/* RW->READ->RW on an untouched mapping and an mmap(READ) neighbour */
	xmmap(R, RLEN, PROT_NONE, PA | FX, -1, 0);
	xmmap(R, 4 * PG, RW, PA | FX, -1, 0);
	xmmap(R + 4 * PG, 4 * PG, PROT_READ, PA | FX, -1, 0);
	r = xmprotect(R, 4 * PG, PROT_READ);
	rowI("mprotect-rw-to-ro-next-to-ro", "[0,0x4000) RW untouched, [0x4000,0x8000) mmap READ; mprotect(R, 0x4000, READ)", r, layoutf(R, 16 * PG));
	xmmap(R, RLEN, PROT_NONE, PA | FX, -1, 0);
	xmmap(R, 4 * PG, RW, PA | FX, -1, 0);
	fill(R, 4, 'a');
	xmmap(R + 4 * PG, 4 * PG, PROT_READ, PA | FX, -1, 0);
	r = xmprotect(R, 4 * PG, PROT_READ);
	rowI("mprotect-rw-to-ro-next-to-ro-written", "[0,0x4000) RW written, [0x4000,0x8000) mmap READ; mprotect(R, 0x4000, READ)", r, layoutf(R, 16 * PG));
	release();

	hdr("mprotect: EACCES");
	reserve(16 * PG);
	{
		int fd = open("/proc/self/exe", O_RDONLY);
		xmmap(R, PG, PROT_READ, MAP_SHARED | FX, fd, 0);
		r = xmprotect(R, PG, RW);
		rowI("mprotect-ro-shared-file-write", "mmap(R, 0x1000, READ, SHARED|FIXED, O_RDONLY fd); mprotect(R, 0x1000, RW)", r, layoutf(R, PG));
		xmmap(R, PG, PROT_READ, MAP_PRIVATE | FX, fd, 0);
		r = xmprotect(R, PG, RW);
		rowI("mprotect-ro-private-file-write", "mmap(R, 0x1000, READ, PRIVATE|FIXED, O_RDONLY fd); mprotect(R, 0x1000, RW)", r, layoutf(R, PG));
		close(fd);
	}
	release();
	return 0;
}
