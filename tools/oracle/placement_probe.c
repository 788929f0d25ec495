#include "common.h"

/* placement_probe.c: where does mmap(NULL, ...) put anonymous mappings? Run once per THP mode (run.sh sets it). */

static const char *thpmode(void)
{
	char *s = S();
	readfile("/sys/kernel/mm/transparent_hugepage/enabled", s, 256);
	char *nl = strchr(s, '\n'); if (nl) *nl = 0;
	return s;
}

int main(void)
{
	long r;
	init_zero();
	printf("### placement with a NULL hint (THP enabled: `%s`)\n", thpmode());
	hdr(fmt("placement: single NULL-hint mmaps, each unmapped before the next (THP `%s`)", thpmode()));
	static const unsigned long lens[] = { 2 * M2 / 2, 4 << 20, 3 << 20, 1 << 20, M2 + PG, M2 - PG, 6 << 20, PG, 64 << 10, 1UL << 30 };
	static const char *ln[] = { "2M", "4M", "3M", "1M", "2M+4K", "2M-4K", "6M", "4K", "64K", "1G" };
	for (int i = 0; i < 10; i++) {
		R = 0;
		r = xmmap(0, lens[i], RW, PA, -1, 0);
		rowA(fmt("place-%s", ln[i]), fmt("mmap(NULL, %s, RW, PA, -1, 0)", ln[i]), r, fmt("addr mod 2M = 0x%lx, end mod 2M = 0x%lx", r % M2, (r + lens[i]) % M2));
		if (r != -1) xmunmap(r, lens[i]);
	}
	static const struct { unsigned long prot, flags; const char *name; } var[] = {
		{ PROT_NONE, PA, "PROT_NONE, PA" },
		{ RW, PA | MAP_NORESERVE, "RW, PA|NORESERVE" },
		{ RW, MAP_SHARED | MAP_ANONYMOUS, "RW, SHARED|ANON" },
		{ PROT_READ, PA, "PROT_READ, PA" },
	};
	for (int i = 0; i < 4; i++) {
		R = 0;
		r = xmmap(0, M2, var[i].prot, var[i].flags, -1, 0);
		rowA(fmt("place-2M-var%d", i), fmt("mmap(NULL, 2M, %s, -1, 0)", var[i].name), r, fmt("addr mod 2M = 0x%lx", r % M2));
		if (r != -1) xmunmap(r, M2);
	}
	{
		int fd = memfd_create("oracle", 0);
		if (ftruncate(fd, 4 * M2)) perror("ftruncate");
		R = 0;
		r = xmmap(0, M2, RW, MAP_SHARED, fd, 0);
		rowA("place-2M-memfd-shared", "mmap(NULL, 2M, RW, SHARED, memfd, 0)", r, fmt("addr mod 2M = 0x%lx", r % M2));
		if (r != -1) xmunmap(r, M2);
		r = xmmap(0, M2, RW, MAP_PRIVATE, fd, 0);
		rowA("place-2M-memfd-private", "mmap(NULL, 2M, RW, PRIVATE, memfd, 0)", r, fmt("addr mod 2M = 0x%lx", r % M2));
		if (r != -1) xmunmap(r, M2);
		close(fd);
	}

	hdr(fmt("placement: consecutive NULL-hint mmaps, kept mapped (THP `%s`); R = first result", thpmode()));
	static const struct { unsigned long len, prot; const char *name; } seq[] = {
		{ 64 << 10, RW, "64K RW" }, { 64 << 10, RW, "64K RW" }, { 64 << 10, RW, "64K RW" }, { 64 << 10, PROT_READ, "64K READ" }, { 64 << 10, RW, "64K RW" },
		{ M2, RW, "2M RW" }, { M2, RW, "2M RW" }, { 12 << 10, RW, "12K RW" }, { M2, RW, "2M RW" }, { 1 << 20, RW, "1M RW" }, { 1 << 20, RW, "1M RW" },
	};
	long addrs[16]; unsigned long lo = ~0UL, hi = 0;
	R = 0;
	for (int i = 0; i < 11; i++) {
		r = xmmap(0, seq[i].len, seq[i].prot, PA, -1, 0);
		if (i == 0) R = r;
		addrs[i] = r;
		if ((unsigned long)r < lo) lo = r;
		if ((unsigned long)r + seq[i].len > hi) hi = r + seq[i].len;
		long prev_start = i ? addrs[i - 1] : 0;
		/* distinct VMAs that contain our mappings so far */
		char *ls = S(); int p = 0, nd = 0; unsigned long seen[16];
		for (int j = 0; j <= i; j++) {
			getvmas(addrs[j], addrs[j] + 1);
			int dup = 0;
			for (int k = 0; k < nd; k++) if (seen[k] == V[0].s) dup = 1;
			if (dup) continue;
			seen[nd++] = V[0].s;
			p += sprintf(ls + p, " [%s-%s %s]", ofs(V[0].s), ofs(V[0].e), V[0].perm);
		}
		rowA(fmt("seq-%d", i), fmt("mmap(NULL, %s, PA)", seq[i].name), r,
		     fmt("mod 2M = 0x%lx; %s; our %d mappings live in %d VMA(s):%s", r % M2,
			 i == 0 ? "first" : ((unsigned long)r + seq[i].len == (unsigned long)prev_start ? "ends exactly at previous start (adjacent below)" : fmt("gap to previous start = %ld bytes", prev_start - (long)(r + seq[i].len))),
			 i + 1, nd, ls));
	}
	for (int i = 0; i < 11; i++) if (addrs[i] != -1) xmunmap(addrs[i], seq[i].len);
	return 0;
}
