// SPDX-License-Identifier: GPL-2.0-only
/* The 0x402 debug console. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "devices/debugcon.h"

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
	if (d->fd >= 0 && write(d->fd, data, 1) < 0)
		d->fd = -1;
}

int debugcon_init(struct debugcon *d, const char *path, struct bus *pio, struct lk_err *err)
{
	d->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (d->fd < 0) {
		err_sys(err, "--debugcon %s", path);
		err->status = LK_EXIT_USAGE;
		return -1;
	}
	return bus_register(pio, DEBUGCON_PORT, 1, debugcon_io, d, "debugcon", err);
}

void debugcon_destroy(struct debugcon *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}
