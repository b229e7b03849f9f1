// SPDX-License-Identifier: GPL-2.0-only
/* `lkvm-sev run` option parsing: defaults, every option, every refusal. */
#include <string.h>

#include "cli/cli.h"
#include "machine/layout.h"
#include "tests/tests.h"

static enum cli_result parse(struct machine_cfg *cfg, struct lk_err *err, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	argv[argc++] = (char *)"run";
	va_start(ap, err);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	memset(err, 0, sizeof(*err));
	return cli_parse_run(argc, argv, cfg, err);
}

START_TEST(defaults)
{
	struct machine_cfg cfg;
	struct lk_err err;

	ck_assert_int_eq(parse(&cfg, &err, NULL), CLI_OK);
	ck_assert_uint_eq(cfg.mem_size, 256ULL << 20);
	ck_assert_uint_eq(cfg.nr_cpus, 1);
	ck_assert_ptr_null(cfg.firmware);
	ck_assert_ptr_null(cfg.debugcon);
	ck_assert_int_eq(cfg.ro_mode, RO_MODE_AUTO);
	ck_assert(cfg.timeout == 0);
}
END_TEST

START_TEST(all_options)
{
	struct machine_cfg cfg;
	struct lk_err err;

	ck_assert_int_eq(parse(&cfg, &err, "--firmware", "fw.bin", "-m", "4G", "-c", "4",
			       "--ro-mode", "mprotect", "--debugcon", "dbg.txt",
			       "--timeout", "2.5", NULL), CLI_OK);
	ck_assert_str_eq(cfg.firmware, "fw.bin");
	ck_assert_uint_eq(cfg.mem_size, 4ULL << 30);
	ck_assert_uint_eq(cfg.nr_cpus, 4);
	ck_assert_int_eq(cfg.ro_mode, RO_MODE_MPROTECT);
	ck_assert_str_eq(cfg.debugcon, "dbg.txt");
	ck_assert(cfg.timeout == 2.5);

	ck_assert_int_eq(parse(&cfg, &err, "--mem=1G", "--cpus=2", "--ro-mode=memslot",
			       "--firmware=x", NULL), CLI_OK);
	ck_assert_uint_eq(cfg.mem_size, 1ULL << 30);
	ck_assert_uint_eq(cfg.nr_cpus, 2);
	ck_assert_int_eq(cfg.ro_mode, RO_MODE_MEMSLOT);
	ck_assert_str_eq(cfg.firmware, "x");
	ck_assert_int_eq(parse(&cfg, &err, "-m", "64", NULL), CLI_OK);
	ck_assert_uint_eq(cfg.mem_size, 64ULL << 20);
	ck_assert_int_eq(parse(&cfg, &err, "-c", "1", "--help", NULL), CLI_HELP);
}
END_TEST

static void refused(const char *msg, ...)
{
	struct machine_cfg cfg;
	struct lk_err err = { 0 };
	char *argv[8] = { (char *)"run" };
	int argc = 1;
	va_list ap;

	va_start(ap, msg);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	ck_assert_int_eq(cli_parse_run(argc, argv, &cfg, &err), CLI_ERROR);
	ck_assert_int_eq(err.status, LK_EXIT_USAGE);
	ck_assert_str_eq(err.msg, msg);
}

/*
 * An option given again: the last counts, so that a script's defaults can
 * be overridden; options that choose between alternatives are not mixed.
 */
START_TEST(repeated_options)
{
	struct machine_cfg cfg;
	struct lk_err err;

	ck_assert_int_eq(parse(&cfg, &err, "-m", "64M", "-m", "128M", "-c", "2", "-c", "3",
			       "--console", "none", "--console", "serial", "--timeout", "5",
			       "--timeout", "0", "--firmware", "a.fd", "--firmware", "b.fd",
			       "--sev", "--sev", "--cpu", "EPYC", "--cpu", "EPYC-Milan", NULL), CLI_OK);
	ck_assert_uint_eq(cfg.mem_size, 128ULL << 20);
	ck_assert_uint_eq(cfg.nr_cpus, 3);
	ck_assert(!cfg.console_none);
	ck_assert(cfg.timeout == 0);
	ck_assert_str_eq(cfg.firmware, "b.fd");
	ck_assert(!cfg.fw_as_ram);
	ck_assert_str_eq(cfg.sev.o.cpu_model, "EPYC-Milan");
	ck_assert_uint_eq(cfg.sev.o.cpu_sig, 0xa00f11);
	ck_assert_int_eq(parse(&cfg, &err, "--sev-snp", "--bios", "a.fd", "--bios", "b.fd", "--cpu-sig",
			       "0x800f12", "--cpu-sig", "0xa00f11", NULL), CLI_OK);
	ck_assert_str_eq(cfg.firmware, "b.fd");
	ck_assert(cfg.fw_as_ram);
	ck_assert_uint_eq(cfg.sev.o.cpu_sig, 0xa00f11);
	refused("--bios and --firmware: give one firmware image", "--firmware", "a.fd",
		"--bios", "b.fd", NULL);
	refused("--bios and --firmware: give one firmware image", "--bios", "a.fd",
		"--firmware", "b.fd", NULL);
	refused("--cpu and --cpu-sig: give one of them", "--sev", "--cpu", "EPYC", "--cpu-sig",
		"0xa00f11", NULL);
	refused("--sev-es: give only one of --sev, --sev-es, --sev-snp", "--sev", "--sev-es",
		NULL);
}
END_TEST

START_TEST(refusals)
{
	refused("-m abc: not a memory size (e.g. 512M, 4G; a bare number is MiB)",
		"-m", "abc", NULL);
	refused("-m 0: not a memory size (e.g. 512M, 4G; a bare number is MiB)",
		"-m", "0", NULL);
	refused("-m 524288 bytes: the VM needs at least 1 MiB of RAM", "-m", "512K", NULL);
	refused("-m 1573888 bytes: not a multiple of 1 MiB", "-m", "1537K", NULL);
	refused("-m 2097152 MiB: more than lkvm-sev's limit of 1048576 MiB",
		"-m", "2T", NULL);
	refused("-c 0: not a vCPU count from 1 to 255", "-c", "0", NULL);
	refused("-c 256: not a vCPU count from 1 to 255", "-c", "256", NULL);
	refused("-c two: not a vCPU count from 1 to 255", "-c", "two", NULL);
	refused("--ro-mode rw: not one of auto, memslot, mprotect", "--ro-mode", "rw", NULL);
	refused("--timeout -1: not a number of seconds", "--timeout", "-1", NULL);
	refused("--firmware: empty file name", "--firmware", "", NULL);
	refused("unknown option '--bogus' (see lkvm-sev run --help)", "--bogus", NULL);
	refused("unknown option '-x' (see lkvm-sev run --help)", "-x", NULL);
	refused("-m needs a value (see lkvm-sev run --help)", "-m", NULL);
	refused("--pit takes no value (see lkvm-sev run --help)", "--pit=1", NULL);
	refused("--firmware needs a value (see lkvm-sev run --help)", "--firmware", NULL);
	refused("unexpected argument 'extra' (see lkvm-sev run --help)", "extra", NULL);
}
END_TEST

Suite *unit_cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("run-options");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, all_options);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, repeated_options);
	suite_add_tcase(s, tc);
	return s;
}
