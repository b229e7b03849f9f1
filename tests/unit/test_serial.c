// SPDX-License-Identifier: GPL-2.0-only
/* 16550A UART registers, as a driver sees them. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "devices/serial.h"
#include "util/marker.h"
#include "tests/tests.h"

static struct serial uart;
static int out_pipe[2];
static int irq_level = -1, irq_changes;

static void irq_cb(void *ctx, int level)
{
	(void)ctx;
	irq_level = level;
	irq_changes++;
}

static void setup(void)
{
	ck_assert_int_eq(pipe2(out_pipe, O_NONBLOCK), 0);
	serial_init(&uart, out_pipe[1], irq_cb, NULL);
	irq_level = 0;
	irq_changes = 0;
}

static void teardown(void)
{
	serial_destroy(&uart);
	close(out_pipe[0]);
	close(out_pipe[1]);
}

static uint8_t rd(unsigned int reg)
{
	uint8_t v = 0;

	serial_io(&uart, reg, &v, 1, false);
	return v;
}

static void wr(unsigned int reg, uint8_t v)
{
	serial_io(&uart, reg, &v, 1, true);
}

START_TEST(transmit)
{
	char buf[8] = { 0 };

	ck_assert_uint_eq(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	wr(UART_THR, 'h');
	wr(UART_THR, 'i');
	ck_assert_int_eq(read(out_pipe[0], buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "hi");
	ck_assert_uint_eq(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
}
END_TEST

START_TEST(divisor_latch)
{
	char buf[4];

	wr(UART_LCR, UART_LCR_DLAB | 0x03);
	wr(UART_DLL, 0x01);
	wr(UART_DLM, 0x00);
	ck_assert_uint_eq(rd(UART_DLL), 0x01);
	ck_assert_uint_eq(rd(UART_DLM), 0x00);
	wr(UART_LCR, 0x03);
	ck_assert_uint_eq(rd(UART_LCR), 0x03);
	/* With DLAB set, offset 0 was the divisor: nothing was transmitted. */
	ck_assert_int_eq(read(out_pipe[0], buf, sizeof(buf)), -1);
	ck_assert_uint_eq(rd(UART_IER), 0);
}
END_TEST

START_TEST(thr_empty_interrupt)
{
	ck_assert_uint_eq(rd(UART_IIR) & 0x0f, UART_IIR_NO_INT);
	wr(UART_IER, UART_IER_THRI);
	ck_assert_int_eq(irq_level, 1);
	ck_assert_uint_eq(rd(UART_IIR) & 0x0f, UART_IIR_THRI);
	/* Reading IIR acknowledged it. */
	ck_assert_uint_eq(rd(UART_IIR) & 0x0f, UART_IIR_NO_INT);
	ck_assert_int_eq(irq_level, 0);
	wr(UART_THR, 'x');
	ck_assert_int_eq(irq_level, 1);
	wr(UART_IER, 0);
	ck_assert_int_eq(irq_level, 0);
}
END_TEST

START_TEST(receive)
{
	uint8_t in[20];
	unsigned int i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)('a' + i);
	wr(UART_IER, UART_IER_RDI);
	ck_assert_uint_eq(serial_rx_room(&uart), SERIAL_FIFO_SIZE);
	ck_assert_uint_eq(serial_rx_push(&uart, in, sizeof(in)), SERIAL_FIFO_SIZE);
	ck_assert_uint_eq(serial_rx_room(&uart), 0);
	ck_assert_int_eq(irq_level, 1);
	ck_assert_uint_eq(rd(UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	ck_assert_uint_eq(rd(UART_IIR) & 0x0f, UART_IIR_RDI);
	for (i = 0; i < SERIAL_FIFO_SIZE; i++)
		ck_assert_uint_eq(rd(UART_RBR), 'a' + i);
	ck_assert_uint_eq(rd(UART_LSR) & UART_LSR_DR, 0);
	ck_assert_int_eq(irq_level, 0);
	/* FCR can clear the receive FIFO. */
	serial_rx_push(&uart, in, 3);
	wr(UART_FCR, UART_FCR_ENABLE | UART_FCR_CLR_RX);
	ck_assert_uint_eq(rd(UART_LSR) & UART_LSR_DR, 0);
	ck_assert_uint_eq(rd(UART_IIR) & 0xc0, UART_IIR_FIFO);
}
END_TEST

START_TEST(loopback_and_scratch)
{
	char buf[4];

	ck_assert_uint_eq(rd(UART_MSR), UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
	/* Linux's 8250 probe: loopback with OUT2|RTS must read back DCD|CTS. */
	wr(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
	ck_assert_uint_eq(rd(UART_MSR) & 0xf0, UART_MSR_DCD | UART_MSR_CTS);
	wr(UART_THR, 'L');
	ck_assert_uint_eq(rd(UART_RBR), 'L');
	ck_assert_int_eq(read(out_pipe[0], buf, sizeof(buf)), -1);
	wr(UART_MCR, 0);
	wr(UART_SCR, 0xa5);
	ck_assert_uint_eq(rd(UART_SCR), 0xa5);
}
END_TEST

START_TEST(wide_access)
{
	uint8_t d[2] = { 0x03, 0x0b };

	/* A 16-bit write at LCR sets LCR and MCR, one byte each. */
	serial_io(&uart, UART_LCR, d, 2, true);
	ck_assert_uint_eq(rd(UART_LCR), 0x03);
	ck_assert_uint_eq(rd(UART_MCR), 0x0b);
}
END_TEST

static char hooked[64];
static unsigned int nr_hooked;

static void hook(void *ctx, uint8_t c)
{
	ck_assert_ptr_eq(ctx, &uart);
	if (nr_hooked < sizeof(hooked) - 1)
		hooked[nr_hooked++] = (char)c;
}

/* The output hook sees what goes out on the line, not loopback. */
START_TEST(output_hook)
{
	nr_hooked = 0;
	serial_set_output_hook(&uart, hook, &uart);
	wr(UART_THR, 'o');
	wr(UART_THR, 'k');
	wr(UART_MCR, UART_MCR_LOOP);
	wr(UART_THR, 'x');
	wr(UART_MCR, 0);
	ck_assert_uint_eq(nr_hooked, 2);
	ck_assert(!memcmp(hooked, "ok", 2));
}
END_TEST

static void feed(struct marker *m, const char *s)
{
	while (*s)
		marker_feed(m, (uint8_t)*s++);
}

/* The window slides every max_len bytes: a marker found across any slide. */
START_TEST(marker_window)
{
	struct marker_cfg cfg = { .until = { "abcde", "never-seen-marker-longer" },
				  .nr_until = 2 };
	struct lk_err err;
	struct marker m;
	struct stop st;
	unsigned int shift, i;

	for (shift = 0; shift < 60; shift++) {
		ck_assert_int_eq(stop_init(&st, &err), 0);
		ck_assert_int_eq(marker_init(&m, &cfg, &st, &err), 0);
		for (i = 0; i < 1000 + shift; i++)
			marker_feed(&m, (uint8_t)("abcdxyz"[i % 7]));
		ck_assert(!stop_requested(&st));
		feed(&m, "ab");
		ck_assert(!stop_requested(&st));
		feed(&m, "cde");
		ck_assert(stop_requested(&st));
		ck_assert_int_eq(atomic_load(&st.status), 0);
		ck_assert(m.seen && !m.seen_fail);
		ck_assert_str_eq(m.seen_text, "abcde");
		marker_destroy(&m);
		stop_destroy(&st);
	}
}
END_TEST

START_TEST(marker_fail_and_regex)
{
	struct marker_cfg cfg = { .until = { "x" }, .nr_until = 1, .fail_on = { "panic" },
				  .nr_fail_on = 1 };
	struct lk_err err;
	struct marker m;
	struct stop st;

	/* A one-byte marker, and the failure first. */
	ck_assert_int_eq(stop_init(&st, &err), 0);
	ck_assert_int_eq(marker_init(&m, &cfg, &st, &err), 0);
	feed(&m, "a pani");
	ck_assert(!stop_requested(&st));
	feed(&m, "c, then x");
	ck_assert_int_eq(atomic_load(&st.status), LK_EXIT_FAIL_MARKER);
	ck_assert_str_eq(st.err.msg, "guest printed failure marker 'panic'");
	marker_destroy(&m);
	stop_destroy(&st);

	/* A regex sees the current line only. */
	cfg = (struct marker_cfg){ .until_re = "^login: *$" };
	ck_assert_int_eq(marker_cfg_check(&cfg, &err), 0);
	ck_assert_int_eq(stop_init(&st, &err), 0);
	ck_assert_int_eq(marker_init(&m, &cfg, &st, &err), 0);
	feed(&m, "no login: here\nlogin");
	ck_assert(!stop_requested(&st));
	feed(&m, ": ");
	ck_assert(stop_requested(&st));
	ck_assert_int_eq(atomic_load(&st.status), 0);
	marker_destroy(&m);
	marker_cfg_release(&cfg);
	stop_destroy(&st);

	cfg = (struct marker_cfg){ .until_re = "a{1" };
	ck_assert_int_eq(marker_cfg_check(&cfg, &err), -1);
	ck_assert_int_eq(err.status, LK_EXIT_USAGE);

	/* Compiling may not cost without bound: repetitions multiply. */
	cfg = (struct marker_cfg){ .until_re = "(a{1,100}){1,100}x" };
	ck_assert_int_eq(marker_cfg_check(&cfg, &err), 0);
	marker_cfg_release(&cfg);
	cfg = (struct marker_cfg){ .until_re = "((a{1,100}){1,100}){1,100}" };
	ck_assert_int_eq(marker_cfg_check(&cfg, &err), -1);
	ck_assert_str_eq(err.msg, "--until-re '((a{1,100}){1,100}){1,100}': its repetitions "
			 "expand to more than 20000 atoms (or nest deeper than 31 groups), too "
			 "costly to compile");
	cfg = (struct marker_cfg){ .until_re = "([ab]{1,200}|c+){1,200}" };
	ck_assert_int_eq(marker_cfg_check(&cfg, &err), -1);
	cfg = (struct marker_cfg){ .until_re = "a{2,}{3}{9999}" };
	ck_assert_int_eq(marker_cfg_check(&cfg, &err), -1);
}
END_TEST

Suite *unit_serial_suite(void)
{
	Suite *s = suite_create("serial");
	TCase *tc = tcase_create("16550");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, transmit);
	tcase_add_test(tc, divisor_latch);
	tcase_add_test(tc, thr_empty_interrupt);
	tcase_add_test(tc, receive);
	tcase_add_test(tc, loopback_and_scratch);
	tcase_add_test(tc, wide_access);
	tcase_add_test(tc, output_hook);
	suite_add_tcase(s, tc);
	tc = tcase_create("markers");
	tcase_add_test(tc, marker_window);
	tcase_add_test(tc, marker_fail_and_regex);
	suite_add_tcase(s, tc);
	return s;
}
