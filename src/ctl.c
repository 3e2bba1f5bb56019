#include <string.h>

#include "ctl.h"
#include "scan.h"
#include "util.h"

static const struct {
	const char *prefix;
	enum ctl_kind kind;
} kinds[] = {
	{ "{\"$watermark\":", CTL_WATERMARK },
	{ "{\"$checkpoint\":", CTL_CHECKPOINT },
	{ "{\"$restore\":", CTL_RESTORE },
};

enum ctl_kind
ctl_kind(const char *line, size_t len)
{
	size_t i, n;

	if (len < 3 || line[1] != '"' || line[2] != '$')
		return CTL_NONE;
	for (i = 0; i < LEN(kinds); i++) {
		n = strlen(kinds[i].prefix);
		if (len >= n && memcmp(line, kinds[i].prefix, n) == 0)
			return kinds[i].kind;
	}
	return CTL_NONE;
}

/* The path of a watermark's instant, compiled at first use. */
static struct scan_paths *wmpath;

void
ctl_free(void)
{
	scan_free(wmpath);
	wmpath = NULL;
}

int
ctl_watermark(const char *line, size_t len, enum tm_unit u, int64_t *w,
    const char **why)
{
	static const char *const path[] = { "$watermark" };
	struct tm_opts o = { u, NULL };
	struct scan_error e;
	struct jval v;

	if (wmpath == NULL && (wmpath = scan_compile(path, 1)) == NULL)
		die(1, "out of memory");
	if (scan_object(wmpath, line, len, &v, &e) != 0) {
		*why = "invalid $watermark record";
		return -1;
	}
	if (tm_from_jval(&v, &o, w, why) != 0) {
		*why = "bad time in $watermark record";
		return -1;
	}
	return 0;
}

size_t
ctl_fmt_watermark(int64_t w, enum tm_unit u, char *dst)
{
	size_t n = 0;

	memcpy(dst, "{\"$watermark\":", 14);
	n = 14;
	if (u == TU_AUTO)
		dst[n++] = '"';
	n += tm_format(w, u, dst + n);
	if (u == TU_AUTO)
		dst[n++] = '"';
	dst[n++] = '}';
	dst[n++] = '\n';
	dst[n] = '\0';
	return n;
}
