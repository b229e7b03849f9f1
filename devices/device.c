// SPDX-License-Identifier: GPL-2.0-only
/* The guest-memory accessor every device goes through. */
#include "devices/device.h"

void *guest_mem_map(const struct guest_mem *gm, uint64_t gpa, uint64_t len,
		    struct lk_err *err)
{
	void *hva = gm->hva(gm->ctx, gpa, len);

	if (!hva) {
		err_set(err, LK_EXIT_CRASH, "0x%llx+0x%llx is not in RAM",
			(unsigned long long)gpa, (unsigned long long)len);
		return NULL;
	}
	if (gm->shared && !gm->shared(gm->ctx, gpa, len)) {
		err_set(err, LK_EXIT_CRASH, "0x%llx+0x%llx is private to the guest",
			(unsigned long long)gpa, (unsigned long long)len);
		return NULL;
	}
	return hva;
}
