#include "common.h"

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
