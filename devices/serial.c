// SPDX-License-Identifier: GPL-2.0-only
/* 16550A UART emulation. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "devices/serial.h"

void serial_init(struct serial *s, int out_fd, serial_irq_fn irq, void *irq_ctx)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->out_fd = out_fd;
	s->log_fd = -1;
	s->irq = irq;
	s->irq_ctx = irq_ctx;
	/* Carrier, data set ready and clear to send: a cable is attached. */
	s->msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
}

void serial_destroy(struct serial *s)
{
	pthread_mutex_destroy(&s->lock);
}

/*
 * On the exit path: the log stops, and why is kept for the one warning at
 * the end (the log's owner gives it); the descriptor stays the owner's.
 */
static void serial_log_failed(struct serial *s)
{
	s->log_errno = errno;
	s->log_fd = -1;
}

void serial_set_log(struct serial *s, int fd)
{
	s->log_fd = fd;
}

void serial_set_output_hook(struct serial *s, serial_out_fn fn, void *ctx)
{
	s->out_hook = fn;
	s->out_ctx = ctx;
}

int serial_register(struct serial *s, struct bus *pio, uint16_t base, struct lk_err *err)
{
	return bus_register(pio, base, 8, serial_io, s, "serial", err);
}

static uint8_t serial_iir(const struct serial *s)
{
	uint8_t fifo = (s->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFO : 0;

	if ((s->ier & UART_IER_RDI) && s->rx_count)
		return fifo | UART_IIR_RDI;
	if ((s->ier & UART_IER_THRI) && s->thri_pending)
		return fifo | UART_IIR_THRI;
	return fifo | UART_IIR_NO_INT;
}

/* Called with the lock held; the irqchip only hears about changes. */
static void serial_update_irq(struct serial *s)
{
	int level = !(serial_iir(s) & UART_IIR_NO_INT);

	if (level != s->irq_level) {
		s->irq_level = level;
		if (s->irq)
			s->irq(s->irq_ctx, level);
	}
}

static void serial_rx_put(struct serial *s, uint8_t c)
{
	if (s->rx_count < SERIAL_FIFO_SIZE) {
		s->rx[(s->rx_head + s->rx_count) % SERIAL_FIFO_SIZE] = c;
		s->rx_count++;
	}
}

static uint8_t serial_rx_get(struct serial *s)
{
	uint8_t c;

	if (!s->rx_count)
		return 0;
	c = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % SERIAL_FIFO_SIZE;
	s->rx_count--;
	return c;
}

static void serial_transmit(struct serial *s, uint8_t c)
{
	if (s->mcr & UART_MCR_LOOP) {
		serial_rx_put(s, c);
	} else if (s->out_fd >= 0) {
		/* A closed reader must not stop the guest: the byte is dropped. */
		if (write(s->out_fd, &c, 1) < 0)
			s->out_fd = -1;
	}
	if (s->log_fd >= 0 && !(s->mcr & UART_MCR_LOOP) && write(s->log_fd, &c, 1) < 0)
		serial_log_failed(s);
	if (s->out_hook && !(s->mcr & UART_MCR_LOOP))
		s->out_hook(s->out_ctx, c);
	s->thri_pending = true;	/* the transmitter is empty again at once */
}

void serial_emit(struct serial *s, const uint8_t *buf, size_t n)
{
	size_t i;

	pthread_mutex_lock(&s->lock);
	if (s->out_fd >= 0 && write(s->out_fd, buf, n) < 0)
		s->out_fd = -1;
	if (s->log_fd >= 0 && write(s->log_fd, buf, n) < 0)
		serial_log_failed(s);
	for (i = 0; s->out_hook && i < n; i++)
		s->out_hook(s->out_ctx, buf[i]);
	pthread_mutex_unlock(&s->lock);
}

/* In loopback the modem outputs drive the modem inputs (8250 self-test). */
static uint8_t serial_msr(const struct serial *s)
{
	uint8_t m = 0;

	if (!(s->mcr & UART_MCR_LOOP))
		return s->msr;
	if (s->mcr & UART_MCR_RTS)
		m |= UART_MSR_CTS;
	if (s->mcr & UART_MCR_DTR)
		m |= UART_MSR_DSR;
	if (s->mcr & UART_MCR_OUT1)
		m |= UART_MSR_RI;
	if (s->mcr & UART_MCR_OUT2)
		m |= UART_MSR_DCD;
	return m;
}

static void serial_write(struct serial *s, unsigned int reg, uint8_t v)
{
	bool dlab = s->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_THR:
		if (dlab)
			s->dll = v;
		else
			serial_transmit(s, v);
		break;
	case UART_IER:
		if (dlab) {
			s->dlm = v;
			break;
		}
		/* Enabling THRI with an empty transmitter raises it (as 16550s do). */
		if (!(s->ier & UART_IER_THRI) && (v & UART_IER_THRI))
			s->thri_pending = true;
		s->ier = v & 0x0f;
		break;
	case UART_FCR:
		if (v & UART_FCR_CLR_RX)
			s->rx_count = 0;
		s->fcr = v & UART_FCR_ENABLE;
		break;
	case UART_LCR:
		s->lcr = v;
		break;
	case UART_MCR:
		s->mcr = v & 0x1f;
		break;
	case UART_SCR:
		s->scr = v;
		break;
	default:	/* LSR and MSR are read-only */
		break;
	}
}

static uint8_t serial_read(struct serial *s, unsigned int reg)
{
	bool dlab = s->lcr & UART_LCR_DLAB;
	uint8_t v;

	switch (reg) {
	case UART_RBR:
		return dlab ? s->dll : serial_rx_get(s);
	case UART_IER:
		return dlab ? s->dlm : s->ier;
	case UART_IIR:
		v = serial_iir(s);
		/* Reading IIR acknowledges a THR-empty interrupt. */
		if ((v & 0x0f) == UART_IIR_THRI)
			s->thri_pending = false;
		return v;
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		return UART_LSR_THRE | UART_LSR_TEMT | (s->rx_count ? UART_LSR_DR : 0);
	case UART_MSR:
		return serial_msr(s);
	default:
		return s->scr;
	}
}

void serial_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write)
{
	struct serial *s = opaque;
	uint32_t i;

	pthread_mutex_lock(&s->lock);
	/* Wider accesses touch consecutive registers, one byte each. */
	for (i = 0; i < len && offset + i < 8; i++) {
		if (is_write)
			serial_write(s, (unsigned int)(offset + i), data[i]);
		else
			data[i] = serial_read(s, (unsigned int)(offset + i));
	}
	for (; i < len; i++)
		if (!is_write)
			data[i] = 0xff;
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
}

unsigned int serial_rx_room(struct serial *s)
{
	unsigned int room;

	pthread_mutex_lock(&s->lock);
	room = SERIAL_FIFO_SIZE - s->rx_count;
	pthread_mutex_unlock(&s->lock);
	return room;
}

unsigned int serial_rx_push(struct serial *s, const uint8_t *buf, unsigned int n)
{
	unsigned int i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < n && s->rx_count < SERIAL_FIFO_SIZE; i++)
		serial_rx_put(s, buf[i]);
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	return i;
}
