/* ctl: in-band control records ($watermark, $checkpoint, $restore). */
#ifndef CTL_H
#define CTL_H

#include <stddef.h>
#include <stdint.h>

#include "tm.h"

enum ctl_kind { CTL_NONE, CTL_WATERMARK, CTL_CHECKPOINT, CTL_RESTORE };

/*
 * Tells a control record by its prefix: SPEC writes the control key first
 * and compactly, so no parse is needed to tell.  CTL_NONE for data.
 */
enum ctl_kind ctl_kind(const char *line, size_t len);

/*
 * Reads the instant of a $watermark record (an RFC 3339 string or an epoch
 * number in unit u).  Returns 0, or -1 with *why set.
 */
int ctl_watermark(const char *line, size_t len, enum tm_unit u, int64_t *w,
    const char **why);

/* Frees what ctl_watermark keeps between calls; for a clean exit. */
void ctl_free(void);

/* Writes {"$watermark":...} and a newline into dst (2 * TM_MAXLEN). */
size_t ctl_fmt_watermark(int64_t w, enum tm_unit u, char *dst);

#endif
