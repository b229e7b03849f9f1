/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A 16550A UART (COM1 at 0x3f8, IRQ 4): output to a file descriptor, input
 * pushed in by the main thread, the registers OVMF and Linux's 8250 driver
 * use (divisor latch, IER/IIR, FCR, LCR, MCR with loopback, LSR, MSR,
 * scratch). The device has its own lock: vCPUs and the input side meet here.
 */
#ifndef LKVM_DEVICES_SERIAL_H
#define LKVM_DEVICES_SERIAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/bus.h"

#define SERIAL_COM1_BASE	0x3f8
#define SERIAL_COM1_IRQ		4
#define SERIAL_FIFO_SIZE	16

/* Register offsets and bits (8250/16550 data sheet names). */
#define UART_RBR 0
#define UART_THR 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_IIR 2
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_RDI	0x01
#define UART_IER_THRI	0x02
#define UART_IIR_NO_INT	0x01
#define UART_IIR_THRI	0x02
#define UART_IIR_RDI	0x04
#define UART_IIR_FIFO	0xc0
#define UART_FCR_ENABLE	0x01
#define UART_FCR_CLR_RX	0x02
#define UART_LCR_DLAB	0x80
#define UART_MCR_DTR	0x01
#define UART_MCR_RTS	0x02
#define UART_MCR_OUT1	0x04
#define UART_MCR_OUT2	0x08
#define UART_MCR_LOOP	0x10
#define UART_LSR_DR	0x01
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40
#define UART_MSR_CTS	0x10
#define UART_MSR_DSR	0x20
#define UART_MSR_RI	0x40
#define UART_MSR_DCD	0x80

typedef void (*serial_irq_fn)(void *ctx, int level);
/* Sees each byte the guest transmits (not loopback), with the device's lock held. */
typedef void (*serial_out_fn)(void *ctx, uint8_t c);

struct serial {
	pthread_mutex_t lock;
	int out_fd;			/* -1: output discarded */
	int log_fd;			/* a copy of the output; -1: none */
	int log_errno;			/* why writing it failed (it stopped then); 0 */
	serial_irq_fn irq;
	void *irq_ctx;
	serial_out_fn out_hook;		/* NULL: none, and no cost */
	void *out_ctx;
	int irq_level;
	uint8_t ier, lcr, mcr, msr, scr, dll, dlm, fcr;
	bool thri_pending;		/* THR-empty interrupt not yet acknowledged */
	uint8_t rx[SERIAL_FIFO_SIZE];
	unsigned int rx_head, rx_count;
};

void serial_init(struct serial *s, int out_fd, serial_irq_fn irq, void *irq_ctx);
void serial_destroy(struct serial *s);
/* A second file descriptor that gets every transmitted byte too (--serial-log). */
void serial_set_log(struct serial *s, int fd);
/* Set before the vCPUs start; @fn runs on a vCPU thread, under the device lock. */
void serial_set_output_hook(struct serial *s, serial_out_fn fn, void *ctx);
int serial_register(struct serial *s, struct bus *pio, uint16_t base, struct lk_err *err);
/*
 * Another console's output (the virtio console) through this UART's sinks:
 * stdout, --serial-log and the output hook (markers, the report's tail), in
 * order with the UART's own bytes. Any thread.
 */
void serial_emit(struct serial *s, const uint8_t *buf, size_t n);

/* The bus handler: offsets 0-7 from the base. */
void serial_io(void *opaque, uint64_t offset, uint8_t *data, uint32_t len, bool is_write);

/* Input side: room in the receive FIFO, and pushing bytes into it. */
unsigned int serial_rx_room(struct serial *s);
unsigned int serial_rx_push(struct serial *s, const uint8_t *buf, unsigned int n);

#endif
