/*
 * scan_fuzz: libFuzzer target for src/scan.c.  Runs the scandiff check
 * (tests/scandiff.c: accept/reject and extracted values against jansson)
 * on the input as one line, then on each of its newline-separated lines,
 * and aborts on the first disagreement.
 */
#define SCANDIFF_LIB
#include "../tests/scandiff.c"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
one(const char *s, size_t n)
{
	char why[256];

	if (diffline(s, n, why, sizeof(why)) == 0)
		return;
	fprintf(stderr, "scan_fuzz: %s\n", why);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl;
	size_t left = size;

	one(s, size);
	while ((nl = memchr(s, '\n', left)) != NULL) {
		one(s, nl - s);
		left -= nl + 1 - s;
		s = nl + 1;
	}
	if (s != (const char *)data)
		one(s, left);
	return 0;
}
