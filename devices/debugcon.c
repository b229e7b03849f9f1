// SPDX-License-Identifier: GPL-2.0-only
/* The 0x402 debug console. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "devices/debugcon.h"
#include "util/file.h"

static void debugcon_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
			bool is_write)
{
	struct debugcon *d = opaque;

	(void)offset;
	if (!is_write) {
		memset(data, DEBUGCON_READBACK, len);
		return;
	}
	/* Only the low byte is a character; wider writes are a guest bug. */
	if (d->fd >= 0 && !d->write_errno && write(d->fd, data, 1) < 0)
		d->write_errno = errno;		/* said once, at the end */
}

int debugcon_init(struct debugcon *d, const char *path, struct bus *pio, struct lk_err *err)
{
	d->path = path;
	d->write_errno = 0;
	d->fd = file_create("--debugcon", path, err);
	if (d->fd < 0)
		return -1;
	return bus_register(pio, DEBUGCON_PORT, 1, debugcon_io, d, "debugcon", err);
}

void debugcon_destroy(struct debugcon *d)
{
	if (d->write_errno)
		warn("--debugcon %s: writing failed (%s): the file stops there", d->path,
		     strerror(d->write_errno));
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}
