#include "common.h"

/* munmap_probe.c: munmap(2) validation and VMA splitting. */

int main(void)
{
	long r;
	init_zero();
	printf("### munmap (raw syscall(SYS_munmap); R = 2M-aligned region, initially one PROT_NONE VMA unless stated)\n");
	hdr("munmap");
	reserve(16 * PG);
	xmmap(R, 16 * PG, RW, PA | FX, -1, 0);
	r = xmunmap(R + 0x10, PG);
	rowI("munmap-unaligned", "[0,0x10000) rw; munmap(R+0x10, 0x1000)", r, layout(R, RLEN));
	r = xmunmap(R, 0);
	rowI("munmap-len0", "munmap(R, 0)", r, layout(R, RLEN));
	r = xmunmap(R + 16 * PG, 0);
	rowI("munmap-len0-unmapped", "munmap(R+0x10000 (unmapped), 0)", r, "");
	r = xmunmap(R + 4 * PG, 0x1001);
	rowI("munmap-len-0x1001", "munmap(R+0x4000, 0x1001)", r, fmt("len rounded up to 2 pages: %s", layout(R, RLEN)));
	r = xmunmap(R + 4 * PG, 0x2000);
	rowI("munmap-again", "munmap(R+0x4000, 0x2000) (already unmapped)", r, layout(R, RLEN));
	r = xmunmap(R + 5 * PG, 2 * PG);
	rowI("munmap-partly-unmapped", "munmap(R+0x5000, 0x2000) (first page already unmapped)", r, layout(R, RLEN));
	r = xmunmap(R + 8 * PG, 1);
	rowI("munmap-len1", "munmap(R+0x8000, 1)", r, layout(R, RLEN));
	r = xmunmap(R, -4096UL);
	rowI("munmap-overflow", "munmap(R, 0xfffffffffffff000)", r, layout(R, RLEN));
	r = xmunmap(R, -1UL);
	rowI("munmap-len--1", "munmap(R, 0xffffffffffffffff) (PAGE_ALIGN wraps to 0)", r, layout(R, RLEN));
	r = xmunmap(R, TASK_SIZE_X86 - R + PG);
	rowI("munmap-past-tasksize", "munmap(R, TASK_SIZE - R + 0x1000)", r, layout(R, RLEN));
	r = xmunmap(0x800000000000UL, PG);
	rowI("munmap-above-tasksize", "munmap(0x800000000000, 0x1000)", r, "");
	r = xmunmap(TASK_SIZE_X86, PG);
	rowI("munmap-at-tasksize", "munmap(0x7ffffffff000, 0x1000)", r, "");
	r = xmunmap(TASK_SIZE_X86 - PG, PG);
	rowI("munmap-end-at-tasksize", "munmap(0x7fffffffe000, 0x1000) (nothing mapped)", r, "");
	r = xmunmap(0, PG);
	rowI("munmap-0", "munmap(0, 0x1000) (nothing mapped)", r, "");
	r = xmunmap(0x800, PG);
	rowI("munmap-0x800", "munmap(0x800, 0x1000)", r, "");
	release();

	reserve(16 * PG);
	xmunmap(R, 16 * PG);
	r = xmunmap(R, 16 * PG);
	rowI("munmap-nothing", "munmap(R, 0x10000) with nothing mapped there", r, layout(R, RLEN));
	release();

	reserve(16 * PG);
	xmmap(R, 16 * PG, RW, PA | FX, -1, 0);
	fill(R, 16, 'a');
	r = xmunmap(R + 4 * PG, 4 * PG);
	rowI("munmap-middle", "[0,0x10000) rw written; munmap(R+0x4000, 0x4000)", r, fmt("%s; residency %s", layout(R, RLEN), resid(R, 16)));
	r = xmunmap(R, PG);
	rowI("munmap-head", "munmap(R, 0x1000)", r, layout(R, RLEN));
	r = xmunmap(R + 15 * PG, PG);
	rowI("munmap-tail", "munmap(R+0xf000, 0x1000)", r, layout(R, RLEN));
	r = xmunmap(R + 2 * PG, 12 * PG);
	rowI("munmap-span-hole", "munmap(R+0x2000, 0xc000) (spans a hole, cuts both VMAs)", r, layout(R, RLEN));
	xmmap(R + 4 * PG, 4 * PG, RW, PA | FX, -1, 0);
	r = xmmap(R + 2 * PG, 2 * PG, PROT_READ, PA | FX, -1, 0);
	r = xmunmap(R, 16 * PG);
	rowI("munmap-all", "munmap(R, 0x10000) (several VMAs and holes)", r, layout(R, RLEN));
	release();
	return 0;
}
