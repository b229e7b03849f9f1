// SPDX-License-Identifier: GPL-2.0-only
/* MSI-X: capability, vector table, PBA, and delivery through irqfds. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/msix.h"

int msix_init(struct msix *x, struct pci_func *fn, struct irq_routes *routes,
	      unsigned int nr, unsigned int bar, uint32_t table_off, uint32_t pba_off,
	      struct lk_err *err)
{
	unsigned int i;
	int cap;

	memset(x, 0, sizeof(*x));
	if (!nr || nr > MSIX_MAX_VECTORS || (table_off | pba_off) & 7 ||
	    bar >= PCI_NUM_BARS || fn->bar[bar].type < PCI_BAR_MEM32 ||
	    table_off + nr * MSIX_ENTRY_SIZE > fn->bar[bar].size ||
	    pba_off + (nr + 63) / 64 * 8 > fn->bar[bar].size)
		return err_set(err, LK_EXIT_HOST, "%s: MSI-X with %u vectors does not fit BAR %u",
			       fn->name, nr, bar);
	cap = pci_func_add_cap(fn, PCI_CAP_ID_MSIX, 12, err);
	if (cap < 0)
		return -1;
	pthread_mutex_init(&x->lock, NULL);
	x->v = calloc(nr, sizeof(*x->v));
	x->pba = calloc((nr + 63) / 64, sizeof(*x->pba));
	if (!x->v || !x->pba) {
		msix_destroy(x);
		return err_sys(err, "%s: allocating %u MSI-X vectors", fn->name, nr);
	}
	for (i = 0; i < nr; i++)
		x->v[i].efd = -1;
	x->fn = fn;
	x->routes = routes;
	x->nr = nr;
	x->cap = (unsigned int)cap;
	x->bar = bar;
	x->table_off = table_off;
	x->pba_off = pba_off;
	pci_cfg_set(fn, x->cap + 2, 2, nr - 1);
	pci_cfg_set(fn, x->cap + 4, 4, table_off | bar);
	pci_cfg_set(fn, x->cap + 8, 4, pba_off | bar);
	fn->wmask[x->cap + 3] = (MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL) >> 8;
	msix_reset(x);
	return 0;
}

void msix_destroy(struct msix *x)
{
	unsigned int i;

	for (i = 0; x->v && i < x->nr; i++)
		if (x->v[i].efd >= 0)
			close(x->v[i].efd);
	if (x->fn || x->v)
		pthread_mutex_destroy(&x->lock);
	free(x->v);
	free(x->pba);
	x->v = NULL;
	x->pba = NULL;
}

void msix_reset(struct msix *x)
{
	unsigned int i;

	pthread_mutex_lock(&x->lock);
	for (i = 0; i < x->nr; i++) {
		x->v[i].addr = 0;
		x->v[i].data = 0;
		x->v[i].ctrl = MSIX_VECTOR_MASKED;
		x->v[i].stale = true;
	}
	memset(x->pba, 0, (x->nr + 63) / 64 * sizeof(*x->pba));
	x->enabled = x->masked = false;
	x->fn->cfg[x->cap + 3] &= (uint8_t)~((MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL) >> 8);
	pthread_mutex_unlock(&x->lock);
}

/* With the lock: one failure makes MSI-X silent, with one line saying why. */
static void msix_fail(struct msix *x, const struct lk_err *err)
{
	if (!x->broken)
		warn("%s: MSI-X: %s", x->fn->name, err->msg);
	x->broken = true;
}

/* With the lock: the vector's route and irqfd, made or brought up to date. */
static int msix_route(struct msix *x, struct msix_vector *v, struct lk_err *err)
{
	if (v->efd < 0) {
		v->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (v->efd < 0)
			return err_sys(err, "eventfd");
		if (irq_route_msi(x->routes, v->addr, v->data, &v->gsi, err) ||
		    irq_routes_commit(x->routes, err) ||
		    irq_irqfd(x->routes->vm, v->gsi, v->efd, true, err)) {
			close(v->efd);
			v->efd = -1;
			return -1;
		}
	} else if (v->stale && (irq_route_msi_update(x->routes, v->gsi, v->addr, v->data, err) ||
				irq_routes_commit(x->routes, err))) {
		return -1;
	}
	v->stale = false;
	return 0;
}

/* With the lock: raise now if nothing masks it, else leave it pending. */
static enum msix_result msix_fire(struct msix *x, unsigned int n)
{
	struct msix_vector *v = &x->v[n];
	uint64_t one = 1;
	struct lk_err err;

	if (!x->enabled)
		return MSIX_OFF;
	if (x->masked || (v->ctrl & MSIX_VECTOR_MASKED) || x->broken) {
		x->pba[n / 64] |= 1ULL << (n % 64);
		return MSIX_PENDING;
	}
	x->pba[n / 64] &= ~(1ULL << (n % 64));
	if (msix_route(x, v, &err)) {
		msix_fail(x, &err);
		return MSIX_PENDING;
	}
	/* The counter cannot overflow in practice: KVM reads it on every signal. */
	if (write(v->efd, &one, sizeof(one)) != sizeof(one) && errno != EAGAIN) {
		err_sys(&err, "writing the irqfd of vector %u", n);
		msix_fail(x, &err);
	}
	return MSIX_DELIVERED;
}

/* With the lock: what unmasking may release. */
static void msix_release_pending(struct msix *x)
{
	unsigned int n;

	for (n = 0; n < x->nr; n++)
		if (x->pba[n / 64] & (1ULL << (n % 64)))
			msix_fire(x, n);
}

void msix_config_write(struct msix *x, unsigned int reg, unsigned int len)
{
	uint16_t ctrl = (uint16_t)pci_cfg_get(x->fn, x->cap + 2, 2);

	if (!pci_cfg_hit(reg, len, x->cap + 2, 2))
		return;
	pthread_mutex_lock(&x->lock);
	x->enabled = ctrl & MSIX_CTRL_ENABLE;
	x->masked = ctrl & MSIX_CTRL_MASKALL;
	if (x->enabled && !x->masked)
		msix_release_pending(x);
	pthread_mutex_unlock(&x->lock);
	/* A function with MSI-X enabled must not use INTx (PCI 3.0, 6.8.3.3): as QEMU, drop it. */
	if (ctrl & MSIX_CTRL_ENABLE)
		pci_intx_locked(x->fn, false);
}

/* With the lock: a table access, at most 8 bytes inside one entry. */
static void msix_table_io(struct msix *x, uint64_t off, uint8_t *data, uint32_t len,
			  bool is_write)
{
	struct msix_vector *v = &x->v[off / MSIX_ENTRY_SIZE];
	uint8_t e[MSIX_ENTRY_SIZE];
	unsigned int at = off % MSIX_ENTRY_SIZE;
	bool was_masked = v->ctrl & MSIX_VECTOR_MASKED;

	if (at + len > MSIX_ENTRY_SIZE)
		len = MSIX_ENTRY_SIZE - at;
	bus_data_put64(e, 8, v->addr);
	bus_data_put(e + 8, 4, v->data);
	bus_data_put(e + 12, 4, v->ctrl);
	if (!is_write) {
		memcpy(data, e + at, len);
		return;
	}
	memcpy(e + at, data, len);
	v->addr = bus_data_get64(e, 8);
	v->data = bus_data_get(e + 8, 4);
	v->ctrl = bus_data_get(e + 12, 4) & MSIX_VECTOR_MASKED;	/* the rest is reserved */
	if (at < 12)
		v->stale = true;
	/* An unmasked vector's message changed under it: the route follows now. */
	if (at < 12 && !was_masked && v->efd >= 0) {
		struct lk_err err;

		if (msix_route(x, v, &err))
			msix_fail(x, &err);
	}
	if (was_masked && !(v->ctrl & MSIX_VECTOR_MASKED) &&
	    (x->pba[off / MSIX_ENTRY_SIZE / 64] & (1ULL << (off / MSIX_ENTRY_SIZE % 64))))
		msix_fire(x, (unsigned int)(off / MSIX_ENTRY_SIZE));
}

bool msix_bar_io(struct msix *x, uint64_t offset, uint8_t *data, uint32_t len,
		 bool is_write)
{
	uint64_t pba_len = (x->nr + 63) / 64 * 8;

	if (offset - x->table_off < (uint64_t)x->nr * MSIX_ENTRY_SIZE) {
		pthread_mutex_lock(&x->lock);
		msix_table_io(x, offset - x->table_off, data, len, is_write);
		pthread_mutex_unlock(&x->lock);
		return true;
	}
	if (offset - x->pba_off < pba_len) {
		uint8_t pba[8];
		uint64_t at = offset - x->pba_off;

		/* Read-only: writes are ignored, as the specification allows. */
		if (!is_write) {
			pthread_mutex_lock(&x->lock);
			bus_data_put64(pba, 8, x->pba[at / 8]);
			pthread_mutex_unlock(&x->lock);
			memset(data, 0, len);
			memcpy(data, pba + at % 8, len < 8 - at % 8 ? len : 8 - at % 8);
		}
		return true;
	}
	return false;
}

enum msix_result msix_notify(struct msix *x, unsigned int vector)
{
	enum msix_result r;

	if (vector >= x->nr)
		return MSIX_OFF;
	pthread_mutex_lock(&x->lock);
	r = msix_fire(x, vector);
	pthread_mutex_unlock(&x->lock);
	return r;
}

bool msix_enabled(struct msix *x)
{
	bool on;

	pthread_mutex_lock(&x->lock);
	on = x->enabled;
	pthread_mutex_unlock(&x->lock);
	return on;
}
