// SPDX-License-Identifier: GPL-2.0-only
/* PIIX3 ISA bridge configuration space and its PCI interrupt router. */
#include "devices/piix3.h"

/* The IRQ that PIRQ @n's register names, or 0 while it is disabled. */
static uint8_t piix3_route(const struct piix3 *p, unsigned int n)
{
	uint8_t r = p->fn.cfg[PIIX3_PIRQ_ROUTE + n];

	/* IRQs 0-2 are the timer, keyboard and cascade: not PCI's to take. */
	return (r & PIIX3_PIRQ_DISABLED) || (r & 0xf) < 3 ? 0 : r & 0xf;
}

/* With the bus lock: brings PIRQ @n's ISA line in line with its users and route. */
static void piix3_drive(struct piix3 *p, unsigned int n)
{
	uint8_t irq = p->asserted[n] ? piix3_route(p, n) : 0;

	if (irq == p->driven[n])
		return;
	if (p->driven[n])
		p->line(p->line_ctx, p->driven[n], false);
	if (irq)
		p->line(p->line_ctx, irq, true);
	p->driven[n] = irq;
}

static void piix3_intx(void *ctx, uint8_t devfn, unsigned int pin, bool level)
{
	struct piix3 *p = ctx;
	unsigned int n = piix3_pirq(devfn, pin);

	if (level)
		p->asserted[n]++;
	else if (p->asserted[n])
		p->asserted[n]--;
	piix3_drive(p, n);
}

static void piix3_write(struct pci_func *fn, unsigned int reg, unsigned int len)
{
	struct piix3 *p = fn->ctx;
	unsigned int n;

	for (n = 0; n < PIIX3_NR_PIRQ; n++)
		if (pci_cfg_hit(reg, len, PIIX3_PIRQ_ROUTE + n, 1))
			piix3_drive(p, n);
}

int piix3_init(struct piix3 *p, struct pci_bus *pci, piix3_line_fn line, void *line_ctx,
	       struct lk_err *err)
{
	struct pci_func *fn = &p->fn;
	unsigned int n;

	pci_func_init(fn, "piix3-isa", PCI_DEVFN(1, 0), 0x8086, 0x7000, 0x060100, 0x00);
	fn->cfg[PCI_HEADER_TYPE] = PCI_HEADER_MULTI_FUNCTION;
	fn->ctx = p;
	fn->write_hook = piix3_write;
	for (n = 0; n < PIIX3_NR_PIRQ; n++) {
		fn->wmask[PIIX3_PIRQ_ROUTE + n] = PIIX3_PIRQ_DISABLED | 0x0f;
		fn->cfg[PIIX3_PIRQ_ROUTE + n] = PIIX3_PIRQ_DISABLED;
		p->asserted[n] = 0;
		p->driven[n] = 0;
	}
	p->line = line;
	p->line_ctx = line_ctx;
	pci->intx_route = piix3_intx;
	pci->intx_ctx = p;
	return pci_bus_add(pci, fn, err);
}
